"""The taxonomy is visible in the Wagtail admin and read-only for editors and moderators."""

import pytest

from tests.cms.factories import EditorFactory, ModeratorFactory, UserFactory
from toolkit.models import Indicator

pytestmark = pytest.mark.django_db


def test_editor_sees_the_indicator_list(client, taxonomy):
    client.force_login(EditorFactory())
    response = client.get("/admin/snippets/toolkit/indicator/", {"q": "Official city portal"})
    assert response.status_code == 200
    assert "Official city portal" in response.content.decode()


def test_editor_can_inspect_but_not_edit_an_indicator(client, taxonomy):
    indicator = Indicator.objects.get(framework__key="losi_2024", key="if-281")
    client.force_login(ModeratorFactory())
    inspect = client.get(f"/admin/snippets/toolkit/indicator/inspect/{indicator.pk}/")
    assert inspect.status_code == 200
    assert "#281" in inspect.content.decode()
    edit = client.get(f"/admin/snippets/toolkit/indicator/edit/{indicator.pk}/")
    assert edit.status_code in (302, 403)
    response = client.post(
        f"/admin/snippets/toolkit/indicator/edit/{indicator.pk}/", {"name": "Changed"}
    )
    assert response.status_code in (302, 403)
    indicator.refresh_from_db()
    assert indicator.name == "Official city portal"


def test_learners_cannot_open_the_admin(client, taxonomy):
    client.force_login(UserFactory())
    response = client.get("/admin/snippets/toolkit/indicator/")
    assert response.status_code == 302
