"""Roles and the moderation workflow exist straight after `migrate`."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.roles import ALL_ROLES, EDITOR, MODERATOR, WORKFLOW_NAME, WORKFLOW_TASK_NAME, has_role
from tests.cms.factories import EditorFactory, LearnerFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ALL_ROLES)
    # Wagtail's default groups were renamed, not duplicated.
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_workflow_is_assigned_to_the_tree_root():
    root = Page.get_first_root_node()
    assignment = WorkflowPage.objects.get(page=root)
    assert assignment.workflow.name == WORKFLOW_NAME
    assert assignment.workflow.active
    tasks = [task.specific for task in assignment.workflow.tasks.all()]
    assert [task.name for task in tasks] == [WORKFLOW_TASK_NAME]
    assert list(tasks[0].groups.values_list("name", flat=True)) == [MODERATOR]
    assert not Workflow.objects.filter(active=True).exclude(name=WORKFLOW_NAME).exists()
    assert (
        not GroupApprovalTask.objects.filter(active=True).exclude(name=WORKFLOW_TASK_NAME).exists()
    )


def test_pages_below_root_inherit_the_workflow(home_page):
    workflow = home_page.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME


def test_editor_can_edit_but_not_publish(home_page):
    editor = EditorFactory()
    policy = PagePermissionPolicy()
    assert policy.user_has_permission_for_instance(editor, "change", home_page)
    assert not policy.user_has_permission_for_instance(editor, "publish", home_page)
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("toolkit.view_indicator")
    assert not editor.has_perm("toolkit.change_indicator")


def test_moderator_can_publish(home_page):
    moderator = ModeratorFactory()
    policy = PagePermissionPolicy()
    assert policy.user_has_permission_for_instance(moderator, "publish", home_page)
    assert not moderator.has_perm("toolkit.change_indicator")


def test_moderator_task_lets_only_moderators_approve(home_page):
    task = GroupApprovalTask.objects.get(name=WORKFLOW_TASK_NAME)
    assert task.user_can_access_editor(home_page, ModeratorFactory())
    assert not task.user_can_access_editor(home_page, LearnerFactory())


def test_learners_have_no_admin_access():
    learner = LearnerFactory()
    assert not learner.has_perm("wagtailadmin.access_admin")
    assert has_role(learner, "Learner")
    assert not has_role(learner, EDITOR)


def test_superuser_holds_every_role():
    admin = UserFactory(is_superuser=True)
    assert all(has_role(admin, role) for role in ALL_ROLES)
