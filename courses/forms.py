"""Forms of the courses views. Data rules live on the models and in services; forms only
shape what people type."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from courses.models import Cohort, CoursePage, ModulePage


class EnrolForm(forms.Form):
    key = forms.CharField(label=_("Enrolment key"), max_length=64, required=False, strip=True)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "description"]
        help_texts = {"description": _("For example: the ministry, city association or workshop.")}


class AddLearnersForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=50_000,
        help_text=_(
            "One per line, or separated by commas. People with an account join at once; the "
            "others get an invitation by e-mail."
        ),
    )


class AssignmentForm(forms.Form):
    target = forms.ChoiceField(label=_("Course or module"))
    starts_on = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = Locale.get_active()
        courses = list(CoursePage.objects.live().filter(locale=locale).order_by("path"))
        modules = list(ModulePage.objects.live().filter(locale=locale).order_by("path"))
        choices = []
        for course in courses:
            group = [
                (f"course:{course.pk}", _("The whole course: %(title)s") % {"title": course.title})
            ]
            group += [
                (f"module:{module.pk}", module.title)
                for module in modules
                if module.path.startswith(course.path)
            ]
            choices.append((course.title, group))
        self.fields["target"].choices = [("", _("Choose…")), *choices]

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a due date from today on."))
        return due_on

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("The due date cannot come before the start date."))
        target = cleaned.get("target") or ""
        kind, _sep, pk = target.partition(":")
        page = None
        if pk.isdigit():
            model = CoursePage if kind == "course" else ModulePage if kind == "module" else None
            page = model.objects.live().filter(pk=int(pk)).first() if model else None
        if page is None:
            self.add_error("target", _("Choose a course or a module."))
        cleaned["page"] = page
        return cleaned


class MatrixFilterForm(forms.Form):
    SORTS = [
        ("name", _("Name (A to Z)")),
        ("-name", _("Name (Z to A)")),
        ("progress", _("Most progress first")),
        ("-progress", _("Least progress first")),
        ("activity", _("Most recent activity first")),
        ("-activity", _("Least recent activity first")),
    ]
    STATUSES = [
        ("", _("Everyone")),
        ("overdue", _("Behind: something overdue")),
        ("not_started", _("Not started")),
        ("in_progress", _("In progress")),
        ("done", _("Done with everything")),
    ]
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Show"), choices=STATUSES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
