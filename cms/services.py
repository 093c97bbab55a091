from django.contrib.auth.models import Group
from django.db import transaction

from cms.roles import LEARNER


@transaction.atomic
def register_learner(form):
    """Create the account from a valid RegistrationForm and give it the Learner role."""
    user = form.save()
    user.groups.add(Group.objects.get(name=LEARNER))
    return user
