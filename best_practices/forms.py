from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from best_practices.models import CASE_LANGUAGES, FIRST_YEAR
from toolkit.models import GovernmentLevel, Indicator, SustainableDevelopmentGoal

MARKDOWN_HELP = _("Plain text; Markdown (**bold**, lists, [links](https://…)) is allowed.")


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.short_name} {obj.code} {obj.name}".replace("  ", " ")


class CaseProposalForm(forms.Form):
    """Anyone signed in can propose a case; it becomes a draft submitted for moderation."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences."),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=countries)
    city = forms.CharField(
        label=_("City"),
        max_length=120,
        required=False,
        help_text=_("Leave empty for a national case."),
    )
    government_level = forms.ChoiceField(
        label=_("Government level"), choices=GovernmentLevel.choices
    )
    year_started = forms.IntegerField(label=_("Year started"), min_value=FIRST_YEAR, max_value=2100)
    language = forms.ChoiceField(label=_("Language of your text"), choices=CASE_LANGUAGES)
    indicators = IndicatorChoiceField(
        label=_("Indicators the case illustrates"),
        queryset=Indicator.objects.filter(framework__is_reference_only=False).select_related(
            "framework"
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    context = forms.CharField(
        label=_("Context"), widget=forms.Textarea, max_length=5000, help_text=MARKDOWN_HELP
    )
    what_was_done = forms.CharField(
        label=_("What was done"), widget=forms.Textarea, max_length=5000
    )
    results = forms.CharField(
        label=_("Results"), widget=forms.Textarea, max_length=5000, required=False
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea, max_length=5000, required=False
    )
    source_title = forms.CharField(label=_("Source title"), max_length=255, required=False)
    source_url = forms.URLField(label=_("Source address"), required=False, assume_scheme="https")
    contact_organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    # Honeypot: hidden from people by CSS and aria-hidden; bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean(self):
        data = super().clean()
        if data.get("government_level") == GovernmentLevel.LOCAL and not data.get("city"):
            self.add_error("city", _("A local case names its city."))
        if data.get("source_url") and not data.get("source_title"):
            self.add_error("source_title", _("Give the source a title."))
        return data

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
