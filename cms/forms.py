from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from cms.models import User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class RegistrationForm(BaseUserCreationForm):
    """Self-service sign-up for officials; everyone who registers starts as a Learner."""

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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email
