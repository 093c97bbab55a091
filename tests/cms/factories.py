import factory
from django.contrib.auth.models import Group

from cms.models import User
from cms.roles import EDITOR, LEARNER, MODERATOR, TRAINER

PASSWORD = "a-strong-test-password"


def _add_roles(user, names):
    if names:
        user.groups.add(*Group.objects.filter(name__in=names))
    user.save()


def with_roles(*default):
    """A post-generation hook giving the factory's users these roles unless the test says
    otherwise (`LearnerFactory(roles=[...])`)."""
    return factory.PostGeneration(
        lambda user, create, extracted, **kw: _add_roles(
            user, extracted if extracted is not None else default
        )
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    organisation = "City of Testing"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    roles = with_roles()


class LearnerFactory(UserFactory):
    roles = with_roles(LEARNER)


class TrainerFactory(UserFactory):
    roles = with_roles(TRAINER)


class EditorFactory(UserFactory):
    is_staff = True
    roles = with_roles(EDITOR)


class ModeratorFactory(UserFactory):
    is_staff = True
    roles = with_roles(MODERATOR)
