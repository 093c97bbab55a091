from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from cms.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        # Never says whether the address has an account, nor whether it is unconfirmed.
        "invalid_login": _(
            "The e-mail address and password do not match an account that can sign in. "
            "If you registered recently, first follow the link we e-mailed you."
        ),
    }


class RegistrationForm(BaseUserCreationForm):
    """Self-service sign-up for officials. The answer is the same whether or not the address
    already has an account (cms.accounts.register), so the form never checks uniqueness."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "organisation")
        labels = {
            "email": _("E-mail address"),
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "organisation": _("Organisation"),
        }
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Skipped on purpose: "this address is taken" would tell anyone who is registered.
        The database constraint still holds; cms.accounts.register handles an existing
        address."""


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
