"""Every response of the public site and of the Wagtail admin carries a Content-Security-Policy
without eval and a Permissions-Policy that turns off the sensitive browser features."""

import pytest

from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

OFF_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_permissions_policy(response):
    policy = response["Permissions-Policy"]
    for feature in OFF_FEATURES:
        assert f"{feature}=()" in policy


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("path", ["/en/", "/en/accounts/sign-in/", "/en/search/?q=open"])
def test_public_pages_send_a_strict_policy(client, home_page, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    # Scripts only from this origin (plus a per-response nonce if a template asks for one),
    # never inline or eval; no inline styles on the public site either.
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["script-src"][0] == "'self'"
    assert policy["style-src"] == ["'self'"]
    assert_permissions_policy(response)


def test_a_nonce_is_fresh_for_every_response(client, home_page, rf):
    from django.template import engines

    from cms.middleware import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string("<script nonce='{{ request.csp_nonce }}'></script>")

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({"request": request}))

    middleware = ContentSecurityPolicyMiddleware(view)
    nonces = set()
    for _ in range(2):
        request = rf.get("/en/")
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        nonce = request.csp_nonce
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert f"nonce='{nonce}'" in response.content.decode()
        nonces.add(nonce)
    assert len(nonces) == 2


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/pages/", "/admin/snippets/toolkit/indicator/", "/admin/images/"]
)
def test_admin_pages_send_the_policy_with_inline_styles_only(admin_client, home_page, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_permissions_policy(response)


def test_the_admin_login_page_sends_both_headers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert_permissions_policy(response)


def test_error_pages_send_both_headers(client, home_page):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert directives(response)["default-src"] == ["'self'"]
    assert_permissions_policy(response)
