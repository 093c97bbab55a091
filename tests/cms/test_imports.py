"""cms.imports: problems with their place, the base import command (dry run, progress bar,
all or nothing, refusal listing every problem, summary under shared outcome names)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cms.imports import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ImportCommand,
    ImportProblems,
    Problem,
    Problems,
    read_text_file,
    references_to,
)
from toolkit.models import SustainableDevelopmentGoal


def test_a_problem_names_file_row_and_field():
    problem = Problem("is required", file="cases.csv", row=3, field="city")
    assert str(problem) == "cases.csv, row 3, field 'city': is required"
    assert str(Problem("bad", file="f.yaml", element="frameworks.x[2]")) == (
        "f.yaml, frameworks.x[2]: bad"
    )
    assert str(Problem("not valid JSON", file="cases.json", line=4)) == (
        "cases.json, line 4: not valid JSON"
    )


def test_problems_collect_every_place_into_one_list():
    problems = Problems(file="cases.json")
    first = problems.at(item=1)
    first.add("unknown country", field="country")
    problems.at(item=2).add("is required", field="title")
    assert len(problems) == 2
    with pytest.raises(ImportProblems) as excinfo:
        problems.raise_if_any()
    assert [str(p) for p in excinfo.value.problems] == [
        "cases.json, item 1, field 'country': unknown country",
        "cases.json, item 2, field 'title': is required",
    ]
    Problems().raise_if_any()  # nothing to report: no exception


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"first line\nsecond \xe9t\xe9\n")
    problems = Problems()
    assert read_text_file(path, problems) is None
    assert "data.txt, line 2: not UTF-8 text" in str(list(problems)[0])


class GoalImport(ImportCommand):
    """A small import built on the base: 'number:name' arguments become SDG rows."""

    title = "Goal import"
    kind = "goals"
    summary_outcomes = (CREATED, UPDATED, UNCHANGED, SKIPPED)

    def add_import_arguments(self, parser):
        parser.add_argument("rows", nargs="*")

    def read(self, options):
        problems = Problems(file="goals.txt")
        plan = []
        for line, text in enumerate(options["rows"], start=1):
            number, _, name = text.partition(":")
            if not number.isdigit():
                problems.add(f"'{number}' is not a number", line=line, field="number")
            if not name:
                problems.add("is required", line=line, field="name")
            plan.append((number, name))
        problems.raise_if_any()
        return plan

    def write(self, plan, outcomes, progress, options):
        for line, (number, name) in enumerate(plan, start=1):
            if int(number) > 17:  # found only while writing: the rows before are undone
                raise ImportProblems([Problem("no such goal", file="goals.txt", line=line)])
            _, created = SustainableDevelopmentGoal.objects.update_or_create(
                number=int(number), defaults={"name": name}
            )
            outcomes.add(CREATED if created else UPDATED)
            progress.update(1)


def run(*rows, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command(GoalImport(), *rows, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_every_problem_is_listed_and_nothing_is_written():
    with pytest.raises(CommandError) as excinfo:
        run("1:No poverty", "x:Zero hunger", "3:")
    message = str(excinfo.value)
    assert "2 problem(s); nothing was written" in message
    assert "goals.txt, line 2, field 'number': 'x' is not a number" in message
    assert "goals.txt, line 3, field 'name': is required" in message
    assert not SustainableDevelopmentGoal.objects.exists()


@pytest.mark.django_db
def test_a_bad_last_row_leaves_nothing_written():
    with pytest.raises(CommandError, match="goals.txt, line 3: no such goal"):
        run("1:No poverty", "2:Zero hunger", "99:Unknown")
    assert not SustainableDevelopmentGoal.objects.exists()


@pytest.mark.django_db
def test_dry_run_does_the_work_and_keeps_nothing():
    out, _ = run("1:No poverty", "2:Zero hunger", "--dry-run")
    assert "Dry run: nothing was written." in out
    assert "goals created: 2" in out
    assert not SustainableDevelopmentGoal.objects.exists()


@pytest.mark.django_db
def test_summary_uses_the_shared_outcome_names():
    run("1:No poverty")
    out, _ = run("1:End poverty", "2:Zero hunger")
    assert out.splitlines()[:4] == [
        "  goals created: 1",
        "  goals updated: 1",
        "  goals unchanged: 0",
        "  goals skipped (edited in the admin): 0",
    ]
    assert out.rstrip().endswith("Goal import finished.")


@pytest.mark.django_db
def test_progress_bar_on_stderr_unless_verbosity_is_zero():
    _, err = run("1:No poverty", "2:Zero hunger")
    assert "Goal import" in err and "2/2" in err
    _, quiet = run("1:No poverty", verbosity=0)
    assert quiet == ""


@pytest.mark.django_db
def test_references_name_what_still_points_at_a_row(taxonomy, home_page):
    from best_practices.models import CaseStudyPage
    from tests.best_practices.factories import make_case, make_compendium
    from toolkit.models import Criterion, Indicator

    indicator = Indicator.objects.get(framework__key="losi_2024", key="pe-275")
    case = make_case(make_compendium(home_page), [indicator], title="Budgeting in Dakar")
    found = references_to(Indicator.objects.filter(pk=indicator.pk))
    assert found == {
        indicator: [f"{CaseStudyPage._meta.verbose_name} 'Budgeting in Dakar' (id {case.pk})"]
    }
    criterion = indicator.criterion
    users = references_to(Criterion.objects.filter(pk=criterion.pk))[criterion]
    assert len(users) == criterion.indicators.count()
    assert not references_to(Indicator.objects.filter(key="no-such-key"))
