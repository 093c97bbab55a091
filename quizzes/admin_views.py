"""The question bank's import and export in the Wagtail admin. The views only translate HTTP:
reading, checking, writing and exporting are quizzes/transfer.py, the same code the
import_questions and export_questions commands run."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from cms.imports import CREATED, UNCHANGED, ImportProblems
from quizzes import transfer
from quizzes.formats import place_label
from quizzes.importer import FORMATS
from quizzes.models import Question

question_permissions = ModelPermissionPolicy(Question)
RESULT_KEY = "quizzes:import-result"  # the session key the import's report waits under
LISTED = 200  # questions listed by name in a report (a 10 MB file may hold thousands)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Question file"),
        widget=forms.FileInput(attrs={"accept": ",".join(sorted(FORMATS))}),
    )
    indicators = forms.CharField(
        label=_("Indicators for every question"),
        required=False,
        max_length=1000,
        help_text=_(
            "Optional. Indicator codes as the tags write them, separated by commas "
            "(LOSI-2024:#236, if-236). Questions without a tag are otherwise kept, flagged "
            "“needs indicators”."
        ),
    )
    skip_unsupported = forms.BooleanField(
        label=_("Skip unsupported types"),
        required=False,
        help_text=_(
            "Leave out the questions the bank cannot take (essays, descriptions) instead of "
            "refusing the file."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "GIFT (.gift or .txt, UTF-8 or Windows-1252) or Moodle XML (.xml), up to %(size)s."
        ) % {"size": filesizeformat(transfer.MAX_UPLOAD_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError(
                _("GIFT files end in .gift or .txt, Moodle XML files in .xml.")
            )
        if upload.size > transfer.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s.")
                % {"limit": filesizeformat(transfer.MAX_UPLOAD_BYTES)}
            )
        return upload

    def clean_indicators(self):
        codes = self.cleaned_data["indicators"]
        unknown = transfer.unknown_indicators(codes)
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "No indicator has the code %(codes)s. Write codes as the tags do "
                    "(LOSI-2024:#236 or if-236), separated by commas.",
                    "No indicator has the codes %(codes)s. Write codes as the tags do "
                    "(LOSI-2024:#236 or if-236), separated by commas.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown)}
            )
        return codes


class ExportForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(name, fmt.label) for name, fmt in transfer.EXPORT_FORMATS.items()],
        initial="moodle-xml",
        widget=forms.RadioSelect,
        help_text=_(
            "GIFT cannot hold ordering or embedded-answer (cloze) questions: they are left out."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paths = sorted(transfer.categories_by_path())
        self.fields["category"].choices = [("", _("All categories"))] + [(p, p) for p in paths]
        self.fields["category"].help_text = _("A category exports with those below it.")


class QuestionBankFormView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = question_permissions

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_quizzes_question:list"), "label": _("Questions")},
            {"url": "", "label": self.get_page_title()},
        ]


class ImportQuestionsView(QuestionBankFormView):
    """Check (a dry run: everything read and written, then rolled back) or import a file, all
    or nothing; a refused file lists every problem with its place."""

    permission_required = "add"
    form_class = ImportForm
    template_name = "quizzes/admin/import_questions.html"
    page_title = _("Import questions")
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = kwargs.get("result")
        if result is None and self.request.method == "GET":
            result = self.request.session.pop(RESULT_KEY, None)
        if result is not None:
            context.update(report_context(result))
        context["action_url"] = reverse("quizzes_import_questions")
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        dry_run = "import" not in self.request.POST  # Enter, or "Check": never a write
        try:
            plan = transfer.read_upload(
                upload, form.cleaned_data["indicators"], form.cleaned_data["skip_unsupported"]
            )
            outcomes = transfer.write_plan(plan, dry_run=dry_run)
        except ImportProblems as exc:
            form.add_error(
                None,
                ngettext(
                    "The file was refused (%(count)s problem); nothing was written.",
                    "The file was refused (%(count)s problems); nothing was written.",
                    len(exc.problems),
                )
                % {"count": len(exc.problems)},
            )
            return self.render_to_response(self.get_context_data(form=form, problems=exc.problems))
        summary = asdict(transfer.summarize(plan))
        for name in ("needs_indicators", "unsupported", "skipped_files"):  # listed in part
            summary[f"{name}_count"] = len(summary[name])
            summary[name] = summary[name][:LISTED]
        result = {
            "file": Path(upload.name).name,
            "dry_run": dry_run,
            "summary": summary,
            "created": outcomes.count(CREATED),
            "unchanged": outcomes.count(UNCHANGED),
            "images_created": outcomes.count(CREATED, "images"),
            "images_unchanged": outcomes.count(UNCHANGED, "images"),
        }
        if dry_run:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        # Post/redirect/get: reloading the report must not import the file a second time.
        self.request.session[RESULT_KEY] = result
        messages.success(
            self.request,
            ngettext(
                "%(count)s question imported.", "%(count)s questions imported.", result["created"]
            )
            % {"count": result["created"]},
        )
        return redirect("quizzes_import_questions")


def report_context(result: dict) -> dict:
    """The report's lists with their labels: question types by name, places in words."""
    summary = result["summary"]
    labels = dict(Question.Type.choices)
    return {
        "result": result,
        "types": [(labels.get(qtype, qtype), count) for qtype, count in summary["types"]],
        "needs_indicators": [
            (place_label(place), name) for place, name in summary["needs_indicators"]
        ],
    }


class ExportQuestionsView(QuestionBankFormView):
    """The bank, or one category with those below it, as a Moodle XML or GIFT download. A
    read, so a GET form: the choice can be bookmarked."""

    any_permission_required = ["view", "change"]
    form_class = ExportForm
    template_name = "quizzes/admin/export_questions.html"
    page_title = _("Export questions")
    header_icon = "download"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "format" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    def form_valid(self, form):
        category = form.cleaned_data["category"]
        format_name = form.cleaned_data["format"]
        questions = transfer.questions_in(category)
        if not questions:
            form.add_error("category", _("No question to export here."))
            return self.form_invalid(form)
        text, skipped = transfer.export(questions, format_name)
        if skipped:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s question is not in the GIFT file (use Moodle XML): %(names)s",
                    "%(count)s questions are not in the GIFT file (use Moodle XML): %(names)s",
                    len(skipped),
                )
                % {"count": len(skipped), "names": ", ".join(skipped)},
            )
        images = transfer.images_left_out(questions, format_name)
        if images:
            reason = (
                gettext("GIFT cannot carry files; export as Moodle XML to keep them")
                if format_name == "gift"
                else gettext("no longer in the image library")
            )
            messages.warning(
                self.request,
                ngettext(
                    "%(count)s image left out (%(reason)s): it is written as its alt text in "
                    "square brackets.",
                    "%(count)s images left out (%(reason)s): each is written as its alt text "
                    "in square brackets.",
                    images,
                )
                % {"count": images, "reason": reason},
            )
        export_format = transfer.EXPORT_FORMATS[format_name]
        filename = "questions-{}-{}.{}".format(
            slugify(category.replace("/", "-")) or "all",
            timezone.localdate().isoformat(),
            export_format.extension,
        )
        response = HttpResponse(text.encode("utf-8"), content_type=export_format.content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
