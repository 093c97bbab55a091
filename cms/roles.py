"""The platform's roles. Each is a Django group created by a data migration
(cms/migrations/0003_roles_and_workflow.py); views check membership through these helpers."""

from django.utils.translation import gettext_lazy as _

LEARNER = "Learner"
TRAINER = "Trainer"
EDITOR = "Editor"
MODERATOR = "Moderator"

ALL_ROLES = (LEARNER, TRAINER, EDITOR, MODERATOR)

ROLE_LABELS = {
    LEARNER: _("Learner"),
    TRAINER: _("Trainer"),
    EDITOR: _("Editor"),
    MODERATOR: _("Moderator"),
}

# The moderation workflow every page inherits from the tree root.
WORKFLOW_NAME = "Editorial review"
WORKFLOW_TASK_NAME = "Moderator approval"


def has_role(user, role: str) -> bool:
    """True for active users in the group, and for superusers, who hold every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()
