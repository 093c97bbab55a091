"""The question form of the admin: the data rules of `Question` applied to the question and
its inline choices before anything is saved."""

from django import forms
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.models import Choice


class QuestionForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("indicators"):
            self.add_error(
                "indicators", _("Tag the question with the indicators it tests (one at least).")
            )
        formset = self.formsets.get("choices")
        if formset is not None and formset.is_valid():
            choices = [
                Choice(**{k: v for k, v in form.cleaned_data.items() if k in CHOICE_FIELDS})
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            question = self.instance
            question.qtype = cleaned.get("qtype", question.qtype)
            for problem in question.choice_problems(choices):
                raise forms.ValidationError(problem)
        return cleaned


CHOICE_FIELDS = {"text", "prompt", "fraction", "feedback", "tolerance"}
