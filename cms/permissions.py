"""Permission checks that views call. Roles are Django groups (cms/roles.py); these helpers
turn them, Django permissions and object ownership into answers a view can give:

- not signed in: a redirect to the sign-in page (the reader can still get there);
- signed in without the role or permission: 403, with the reason in the page;
- an object that is not theirs: 404, so a record's existence is not revealed.

Every view of the public site declares one of these (tests/security holds the matrix of
URL × role → outcome built from the URL configuration)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cms.roles import has_role


def user_has_any_role(user, roles) -> bool:
    return any(has_role(user, role) for role in roles)


def role_required(*roles: str):
    """View decorator: the user must hold one of `roles` (superusers hold every role)."""
    if not roles:
        raise ValueError("Name at least one role.")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_has_any_role(request.user, roles):
                raise PermissionDenied("This page is for: " + ", ".join(roles))
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set `required_roles`."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_has_any_role(request.user, self.required_roles):
            raise PermissionDenied("This page is for: " + ", ".join(self.required_roles))
        return super().dispatch(request, *args, **kwargs)


def visible_object_or_404(queryset, user, **lookup):
    """Object-level check: the object must be among those the user may see. Models that hold
    personal records give their queryset a `visible_to(user)` method (a trainer's cohorts, a
    learner's own enrolments) and views fetch through it, never by id alone."""
    visible = queryset.visible_to(user) if hasattr(queryset, "visible_to") else queryset
    try:
        return visible.get(**lookup)
    except visible.model.DoesNotExist as exc:
        raise Http404 from exc
