"""Account views: they translate HTTP to calls of cms.accounts and answer registration and
resend requests identically whether or not the address has an account."""

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cms import accounts
from cms.forms import RegistrationForm, ResendVerificationForm


@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        return redirect("/")
    next_url = accounts.safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accounts.register(request, form, next_url)
        except accounts.RateLimited:
            form.add_error(
                None,
                _("Too many accounts were requested from your network. Please try again later."),
            )
            status = 429
        else:
            return redirect("account_verification_sent")
    return render(
        request, "registration/register.html", {"form": form, "next": next_url}, status=status
    )


def verification_sent(request):
    return render(request, "registration/verification_sent.html")


@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """GET shows a button, POST confirms: mail scanners that open links must not confirm an
    account on the person's behalf."""
    user = accounts.user_for_verification_token(token)
    if user is None:
        # A page for people, answered like Django's own invalid password-reset link (200).
        return render(request, "registration/verification_invalid.html")
    next_url = accounts.safe_next_url(
        request, request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    )
    if request.method == "POST":
        accounts.confirm_email(user)
        login(request, user, backend="cms.accounts.VerifiedEmailBackend")
        messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
        return redirect(next_url)
    return render(request, "registration/verify_email.html", {"account": user, "next": next_url})


def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accounts.resend_verification(request, form.cleaned_data["email"])
        except accounts.RateLimited:
            form.add_error(
                None, _("Too many links were requested from your network. Please try again later.")
            )
            status = 429
        else:
            return redirect("account_verification_sent")
    return render(request, "registration/resend_verification.html", {"form": form}, status=status)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the e-mailed link proves the address too: an
    unconfirmed account becomes confirmed, and a lockout of this e-mail from this client
    address is lifted (the new password is the owner's)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if not user.email_verified:
            accounts.confirm_email(user)
        accounts.reset_login_failures(self.request, user.email)
        return response
