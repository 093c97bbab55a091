from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from best_practices.models import (
    CASE_LANGUAGES,
    CASE_SECTION_MAX_LENGTH,
    CASE_TEXT_SECTIONS,
    REQUIRED_CASE_SECTIONS,
    CaseSource,
    case_field_limit,
    case_rule_errors,
)
from best_practices.regions import area_for
from cms.sanitize import plain_text
from toolkit.models import GovernmentLevel, Indicator, SustainableDevelopmentGoal

MARKDOWN_HELP = _("Plain text; Markdown (**bold**, lists, [links](https://…)) is allowed.")
# Fields the rules of best_practices.models check, with the form field holding each value.
RULE_FIELDS = (
    "title",
    "summary",
    "country",
    "city",
    "government_level",
    "year_started",
    "contact_organisation",
    *CASE_TEXT_SECTIONS,
)


def country_choices():
    """An empty first choice (a preset country is too easily sent by mistake), then the
    countries the compendium can place in a UN M49 region."""
    return [("", _("Choose a country"))] + [
        (code, name) for code, name in countries if area_for(code) is not None
    ]


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes grouped by framework dimension (see CaseProposalForm.indicator_groups):
    the group names the framework and dimension, so a label is just code and name."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}".strip()


class CaseProposalForm(forms.Form):
    """Anyone signed in can propose a case; it becomes a draft submitted for moderation.
    Text fields are sanitised as they are cleaned, and the case rules of
    best_practices.models run on the sanitised values, as they do for imports and the admin."""

    title = forms.CharField(label=_("Title"), max_length=case_field_limit("title"))
    summary = forms.CharField(
        label=_("Summary"),
        max_length=case_field_limit("summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    city = forms.CharField(
        label=_("City"),
        max_length=case_field_limit("city"),
        required=False,
        help_text=_("Leave empty for a national case."),
    )
    government_level = forms.ChoiceField(
        label=_("Government level"), choices=GovernmentLevel.choices
    )
    year_started = forms.IntegerField(
        label=_("Year started"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    language = forms.ChoiceField(label=_("Language of your text"), choices=CASE_LANGUAGES)
    indicators = IndicatorChoiceField(
        label=_("Indicators the case illustrates"),
        queryset=Indicator.objects.filter(framework__is_reference_only=False).select_related(
            "framework", "criterion"
        ),
        help_text=_("Open a dimension and tick every indicator the case shows."),
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=SustainableDevelopmentGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source_title = forms.CharField(
        label=_("Source title"),
        max_length=CaseSource._meta.get_field("title").max_length,
        required=False,
    )
    source_url = forms.URLField(
        label=_("Source address"),
        max_length=CaseSource._meta.get_field("url").max_length,
        required=False,
        assume_scheme="https",
    )
    contact_organisation = forms.CharField(
        label=_("Organisation"), max_length=case_field_limit("contact_organisation"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The body's text sections, as CaseStreamBlock lists them, after the classification.
        for name, heading in CASE_TEXT_SECTIONS.items():
            self.fields[name] = forms.CharField(
                label=heading,
                widget=forms.Textarea,
                max_length=CASE_SECTION_MAX_LENGTH,
                required=name in REQUIRED_CASE_SECTIONS,
                help_text=MARKDOWN_HELP if name == next(iter(CASE_TEXT_SECTIONS)) else "",
            )
        order = list(self.fields)
        position = order.index("sdgs") + 1
        sections = list(CASE_TEXT_SECTIONS)
        rest = [name for name in order if name not in sections]
        self.order_fields(rest[:position] + sections + rest[position:])

    # One-line text: no markup, no control characters; line breaks stay for the rule to see.
    def clean_title(self):
        return plain_text(self.cleaned_data["title"], multiline=False)

    def clean_city(self):
        return plain_text(self.cleaned_data["city"], multiline=False)

    def clean_contact_organisation(self):
        return plain_text(self.cleaned_data["contact_organisation"], multiline=False)

    def clean_source_title(self):
        return plain_text(self.cleaned_data["source_title"], multiline=False)

    def clean_summary(self):
        return plain_text(self.cleaned_data["summary"])

    def clean(self):
        data = super().clean()
        values = {name: data[name] for name in RULE_FIELDS if name in data}
        for name, message in case_rule_errors(values).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        if data.get("source_url") and not data.get("source_title"):
            self.add_error("source_title", _("Give the source a title."))
        return data

    def indicator_groups(self) -> list[dict]:
        """The indicator checkboxes by framework, then dimension (criterion), in the
        taxonomy's order; a group says how many of its boxes are ticked."""
        frameworks: dict = {}
        for option in self["indicators"].subwidgets:
            indicator = option.data["value"].instance
            framework = frameworks.setdefault(
                indicator.framework_id, {"framework": indicator.framework, "dimensions": {}}
            )
            dimension = framework["dimensions"].setdefault(
                indicator.criterion_id,
                {"criterion": indicator.criterion, "options": [], "selected": 0},
            )
            dimension["options"].append(option)
            dimension["selected"] += bool(option.data["selected"])
        return [
            {"framework": group["framework"], "dimensions": list(group["dimensions"].values())}
            for group in frameworks.values()
        ]
