"""The ground every import command stands on (taxonomy, toolkit, cases; next Moodle XML, GIFT
and LGQ responses).

An import reads and validates the whole source first, collecting every problem with its place
(file, row/item/line/element, field), so a file is fixed in one pass. Only a clean source is
written, in one transaction (`--dry-run` does all the work and rolls back), with a progress bar
and a summary of outcomes under shared names. Data rules are not written here: importers call
the rules that live beside the models, the same ones the models' clean() and the forms call."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from tqdm import tqdm

from cms.transactions import atomic_or_dry_run

# Outcome names shared by every import's summary.
CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped (edited in the admin)"
DELETED = "deleted"
KEPT = "not in the file (kept; use --prune)"
OUTCOME_ORDER = (CREATED, UPDATED, UNCHANGED, SKIPPED, DELETED, KEPT)

NOTHING_WRITTEN = "nothing was written"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source, and where: 'cases.csv, row 3, field 'city': ...'."""

    message: str
    file: str = ""
    row: int | None = None  # spreadsheet row (header = 1)
    item: int | None = None  # position in a JSON list, from 1
    line: int | None = None  # line of a text file, from 1
    element: str = ""  # path inside a structured file, e.g. frameworks.losi_2024.indicators[2]
    field: str = ""

    @property
    def place(self) -> str:
        parts = [self.file] if self.file else []
        for label in ("row", "item", "line"):
            value = getattr(self, label)
            if value is not None:
                parts.append(f"{label} {value}")
        if self.element:
            parts.append(self.element)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class Problems:
    """Collects problems while a source is read. `at()` gives a view that fills in the place
    (the file, then the row, ...) and adds to the same list."""

    def __init__(self, **place):
        self._items: list[Problem] = []
        self._place = place

    def at(self, **place) -> Problems:
        view = Problems(**{**self._place, **place})
        view._items = self._items
        return view

    def add(self, message: str, **place) -> None:
        self._items.append(Problem(str(message), **{**self._place, **place}))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise ImportProblems(self._items)


class ImportProblems(Exception):
    """A source cannot be imported; `problems` lists every problem with its place."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def display_path(path: Path | str) -> str:
    """The path as people see it in messages: relative to the project when inside it."""
    path = Path(path)
    base = Path(settings.BASE_DIR)
    return str(path.relative_to(base)) if base in path.parents else str(path)


def read_text_file(path: Path, problems: Problems, encoding: str = "utf-8") -> str | None:
    """A file's text, or None with a problem saying why (missing, unreadable, not UTF-8)."""
    label = display_path(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        problems.add(f"cannot read the file ({exc.strerror})", file=label)
        return None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", file=label, line=line
        )
        return None


def max_length_problems(model: type[models.Model], values: dict) -> dict[str, str]:
    """Messages for the values longer than the model field of the same name allows: the
    limits are read from the model, never repeated by hand."""
    problems = {}
    for name, value in values.items():
        try:
            limit = getattr(model._meta.get_field(name), "max_length", None)
        except FieldDoesNotExist:
            limit = None  # not a model field: no limit to check
        if limit and isinstance(value, str) and len(value) > limit:
            problems[name] = f"is {len(value)} characters long; the limit is {limit}"
    return problems


def references_to(queryset: models.QuerySet) -> dict[models.Model, list[str]]:
    """What still points at each row of `queryset` (foreign keys and many-to-many fields of
    any app), found through Django's relation registry so that a lower app never names the
    upper apps that use it. Used before deleting rows an import no longer lists."""
    rows = {row.pk: row for row in queryset}
    found: dict[models.Model, list[str]] = {}
    if not rows:
        return found
    for relation in queryset.model._meta.related_objects:
        related_model = relation.related_model
        lookup = f"{relation.field.name}__in"
        related = related_model._base_manager.filter(**{lookup: list(rows)})
        for other in related.distinct():
            targets = getattr(other, relation.field.name)
            pks = (
                [target.pk for target in targets.all()]
                if relation.many_to_many
                else [getattr(other, relation.field.attname)]
            )
            for pk in pks:
                if pk in rows:
                    found.setdefault(rows[pk], []).append(
                        f"{related_model._meta.verbose_name} '{other}' (id {other.pk})"
                    )
    return found


def require_home_page():
    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        raise CommandError("No home page: run load_demo_content (or create one) first.")
    return home


class Outcomes:
    """How many rows of each kind were created, updated, ... (names above)."""

    def __init__(self, kind: str = ""):
        self.kind = kind
        self.counts: Counter = Counter()

    def add(self, outcome: str, kind: str | None = None, count: int = 1) -> None:
        self.counts[(self.kind if kind is None else kind, outcome)] += count

    def __getitem__(self, outcome: str) -> int:
        return sum(n for (_, name), n in self.counts.items() if name == outcome)

    def count(self, outcome: str, kind: str | None = None) -> int:
        return self.counts[(self.kind if kind is None else kind, outcome)]

    def lines(self, always: Iterable[str] = ()) -> list[str]:
        """'  cases created: 4' per kind and outcome; outcomes in `always` even when zero."""
        always = tuple(always)
        kinds = list(dict.fromkeys([self.kind] if always else []))
        kinds += [kind for kind, _ in self.counts if kind not in kinds]
        out = []
        for kind in kinds:
            seen = [name for k, name in self.counts if k == kind]
            names = [name for name in OUTCOME_ORDER if name in always or name in seen]
            names += sorted({name for name in seen if name not in OUTCOME_ORDER})
            for name in names:
                label = f"{kind} {name}" if kind else name
                out.append(f"  {label}: {self.counts[(kind, name)]}")
        return out


class ImportCommand(ABC, BaseCommand):
    """Base of every import command. A subclass says how to read a source into a plan
    (`read`, raising ImportProblems), how big the plan is (`size`) and how to write it
    (`write`); the base adds --dry-run, the progress bar on stderr (off at verbosity 0), the
    all-or-nothing transaction, the refusal listing every problem and the summary."""

    # Shown in the progress bar and the summary ("Case import finished.", "  cases created: 4").
    title = "Import"
    kind = "rows"
    progress_unit = "row"
    # Outcomes the summary always lists, even at zero (page imports: created ... skipped).
    summary_outcomes: tuple[str, ...] = ()

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read, validate and write everything, then roll back: nothing is kept.",
        )
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser):
        """Arguments of one import (files, --force, --prune)."""

    @abstractmethod
    def read(self, options):
        """The validated plan; raises ImportProblems listing every problem."""

    def size(self, plan) -> int:
        return len(plan)

    @abstractmethod
    def write(self, plan, outcomes: Outcomes, progress, options) -> None:
        """Write the plan (inside the import's transaction), counting outcomes."""

    def source_label(self, options) -> str:
        return ""

    def report(self, plan, outcomes: Outcomes, options) -> None:
        """Lines printed after the outcomes (per-import facts such as counts per toolkit)."""

    def refusal(self, problems: list[Problem], options) -> CommandError:
        source = self.source_label(options)
        prefix = f"{source}: " if source else ""
        return CommandError(
            f"{prefix}{len(problems)} problem(s); {NOTHING_WRITTEN}:\n"
            + "\n".join(str(problem) for problem in problems)
        )

    def handle(self, *args, **options):
        try:
            plan = self.read(options)
        except ImportProblems as exc:
            raise self.refusal(exc.problems, options) from exc
        outcomes = Outcomes(self.kind)
        try:
            with (
                atomic_or_dry_run(options["dry_run"]),
                tqdm(
                    total=self.size(plan),
                    desc=self.title,
                    unit=self.progress_unit,
                    file=self.stderr,
                    disable=options["verbosity"] == 0,
                ) as progress,
            ):
                self.write(plan, outcomes, progress, options)
        except ImportProblems as exc:  # found while writing (e.g. rows still in use)
            raise self.refusal(exc.problems, options) from exc
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {NOTHING_WRITTEN}.")
        self.report(plan, outcomes, options)
        for line in outcomes.lines(always=self.summary_outcomes):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{self.title} finished."))


class PageImportCommand(ImportCommand):
    """An import that builds pages from shipped Markdown (`content_dir`): --content-dir to read
    another folder, --force to overwrite pages an editor changed."""

    kind = "pages"
    progress_unit = "page"
    summary_outcomes = (CREATED, UPDATED, UNCHANGED, SKIPPED)
    content_dir: Path

    def add_import_arguments(self, parser):
        parser.add_argument("--content-dir", type=Path, default=self.content_dir)
        parser.add_argument(
            "--force", action="store_true", help="Overwrite pages edited in the admin."
        )
