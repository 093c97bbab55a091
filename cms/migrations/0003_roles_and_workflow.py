"""Roles (Learner, Trainer, Editor, Moderator) and the moderation workflow.

Wagtail's own first migration creates groups named "Editors" and "Moderators" and a
"Moderators approval" workflow on the tree root; they are renamed here so the platform has one
set of roles. Editors write pages and submit them; Moderators approve through the workflow
assigned to the tree root, so every page type added later inherits it. Later apps add their
own permissions to these groups in their own migrations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LEARNER, TRAINER, EDITOR, MODERATOR = "Learner", "Trainer", "Editor", "Moderator"
WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Moderator approval"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page"]
MODERATOR_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ["publish_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
MODERATOR_COLLECTION_PERMISSIONS = EDITOR_COLLECTION_PERMISSIONS + [
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
]
TAXONOMY_VIEW_PERMISSIONS = [
    ("toolkit", "view_framework"),
    ("toolkit", "view_criterion"),
    ("toolkit", "view_indicator"),
    ("toolkit", "view_levelband"),
    ("toolkit", "view_sustainabledevelopmentgoal"),
]


def ensure_permissions(apps):
    """Model permissions are normally created after migrate; create them now so the
    groups can be given them in this same run."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permission(apps, app_label, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def group_named(apps, name, legacy_name=None):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=name).first()
    if group is None and legacy_name:
        group = Group.objects.filter(name=legacy_name).first()
        if group is not None:
            group.name = name
            group.save()
    return group or Group.objects.create(name=name)


def create_roles_and_workflow(apps, schema_editor):
    ensure_permissions(apps)
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    group_named(apps, LEARNER)
    group_named(apps, TRAINER)
    editor = group_named(apps, EDITOR, legacy_name="Editors")
    moderator = group_named(apps, MODERATOR, legacy_name="Moderators")

    root = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    access_admin = permission(apps, "wagtailadmin", "access_admin")

    for group, page_codenames, collection_codenames in (
        (editor, EDITOR_PAGE_PERMISSIONS, EDITOR_COLLECTION_PERMISSIONS),
        (moderator, MODERATOR_PAGE_PERMISSIONS, MODERATOR_COLLECTION_PERMISSIONS),
    ):
        group.permissions.add(access_admin)
        for app_label, codename in TAXONOMY_VIEW_PERMISSIONS:
            group.permissions.add(permission(apps, app_label, codename))
        for codename in page_codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission(apps, "wagtailcore", codename)
            )
        for app_label, codename in collection_codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=permission(apps, app_label, codename),
            )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME, content_type=task_type, active=True
        )
    task.groups.set([moderator])

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

    # Wagtail's default workflow and task, now replaced, are switched off (kept for history).
    Workflow.objects.exclude(pk=workflow.pk).filter(name="Moderators approval").update(
        active=False
    )
    GroupApprovalTask.objects.exclude(pk=task.pk).filter(name="Moderators approval").update(
        active=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_homepage_sitefooter"),
        ("toolkit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(create_roles_and_workflow, migrations.RunPython.noop),
    ]
