"""import_toolkit builds the page trees from the shipped Markdown: one guide per indicator,
re-import is a no-op, edits become revisions, malformed files change nothing, HTML is safe."""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Page, Revision

from toolkit.importer import CONTENT_DIR
from toolkit.models import (
    Criterion,
    DimensionPage,
    Indicator,
    IndicatorGuidePage,
    ToolkitPage,
    ToolkitSectionPage,
)

pytestmark = pytest.mark.django_db


def run_import(content_dir=CONTENT_DIR, *args):
    out = StringIO()
    call_command(
        "import_toolkit", "--content-dir", str(content_dir), *args, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def tree_state():
    """Pages with their latest revision: proves that nothing was written."""
    return sorted(
        Page.objects.values_list("id", "path", "title", "live", "latest_revision_id")
    ), Revision.objects.count()


@pytest.fixture
def small_content(tmp_path):
    """A copy of the Local toolkit with just its Institutional framework dimension."""
    source = CONTENT_DIR / "local"
    target = tmp_path / "content" / "local"
    target.mkdir(parents=True)
    shutil.copy(source / "_toolkit.md", target / "_toolkit.md")
    shutil.copytree(source / "institutional-framework", target / "institutional-framework")
    return tmp_path / "content"


def guide_file(content_dir, key="if-281"):
    return content_dir / "local" / "institutional-framework" / f"{key}.md"


def test_shipped_content_builds_one_guide_per_indicator(taxonomy, home_page):
    output = run_import()
    english = Locale.get_default()
    for key in ("losi_2024", "osi_national"):
        indicators = Indicator.objects.filter(framework__key=key)
        guides = IndicatorGuidePage.objects.live().filter(
            indicator__framework__key=key, locale=english
        )
        assert guides.count() == indicators.count()
        assert set(guides.values_list("indicator_id", flat=True)) == set(
            indicators.values_list("id", flat=True)
        )
        toolkit = ToolkitPage.objects.get(framework__key=key, locale=english)
        assert (
            DimensionPage.objects.child_of(toolkit).count()
            == Criterion.objects.filter(framework__key=key).count()
        )
        assert ToolkitSectionPage.objects.child_of(toolkit).count() == 5
        for dimension in DimensionPage.objects.child_of(toolkit):
            children = IndicatorGuidePage.objects.child_of(dimension)
            assert all(g.indicator.criterion_id == dimension.criterion_id for g in children)
    assert "LOSI 2024: 6 dimensions, 95 guides, 5 sections" in output
    assert "OSI 2024: 6 dimensions, 102 guides, 5 sections" in output
    assert "have no guide yet" not in output

    # Every page went live through a revision without a user (an import, not an editor).
    guide = IndicatorGuidePage.objects.get(indicator__key="if-281", locale=english)
    # The shipped French files became translations of their English pages.
    assert "LOSI 2024 in fr: 27 page(s) translated" in output
    assert IndicatorGuidePage.objects.filter(locale__language_code="fr").count() == 15
    assert guide.live and guide.live_revision is not None
    assert guide.live_revision.user is None
    assert [block.block_type for block in guide.body][:4] == [
        "definition",
        "why_it_matters",
        "how_assessed",
        "steps",
    ]
    assert 3 <= len(guide.body[3].value) <= 7
    assert guide.sdgs.exists()

    before = tree_state()
    second = run_import()
    assert tree_state() == before
    assert "created: 0" in second and "updated: 0" in second


def test_shipped_guides_are_distinct_and_of_useful_length():
    """250-600 words each and no two guides with the same body (the issue's content rule)."""
    from cms.content_files import read_content_file, split_sections, word_count

    bodies = {}
    for path in CONTENT_DIR.glob("*/*/*.md"):
        if path.name.startswith("_") or path.parent.name == "sections":
            continue
        content = read_content_file(path, [])
        words = word_count(content.body)
        assert 250 <= words <= 600, f"{path}: {words} words"
        _, sections = split_sections(content.body)
        assert sections["Definition"] not in bodies, (
            f"{path} repeats {bodies.get(sections['Definition'])}"
        )
        bodies[sections["Definition"]] = path
    assert len(bodies) == 197


def test_edited_file_updates_the_page_with_a_new_revision(taxonomy, home_page, small_content):
    run_import(small_content)
    guide = IndicatorGuidePage.objects.get(indicator__key="if-281")
    revisions = guide.revisions.count()
    path = guide_file(small_content)
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "## Definition\n", "## Definition\n\nA new opening sentence.\n"
        ),
        encoding="utf-8",
    )
    output = run_import(small_content)
    guide.refresh_from_db()
    assert "updated: 1" in output
    assert guide.revisions.count() == revisions + 1
    assert "A new opening sentence." in str(guide.body[0].value)


def test_page_edited_in_the_admin_is_not_overwritten(taxonomy, home_page, small_content):
    from tests.cms.factories import ModeratorFactory

    run_import(small_content)
    guide = IndicatorGuidePage.objects.get(indicator__key="if-281")
    guide.title = "Edited by a moderator"
    guide.save_revision(user=ModeratorFactory()).publish()
    path = guide_file(small_content)
    path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    output = run_import(small_content)
    guide.refresh_from_db()
    assert "skipped (edited in the admin): 1" in output
    assert guide.title == "Edited by a moderator"
    run_import(small_content, "--force")
    guide.refresh_from_db()
    assert guide.title == "Official city portal"


def break_definition(text):
    return text.replace("## Definition", "## Meaning")


def unknown_indicator(text):
    return re.sub(r"(?m)^indicator: .*$", "indicator: if-999", text)


def bad_sdgs(text):
    return text.replace("sdgs:", "sdgs: [42]\nold_sdgs:")


def bad_front_matter(text):
    return text.replace("---\n", "---\nsummary: [unclosed\n", 1)


def no_steps(text):
    head, _, tail = text.partition("## Indicative steps")
    return (
        head
        + "## Indicative steps\n\nNothing numbered here.\n\n## Self-check"
        + tail.split("## Self-check", 1)[1]
    )


MALFORMED = [
    (break_definition, "unknown section '## Meaning'"),
    (unknown_indicator, "unknown indicator 'if-999'"),
    (bad_sdgs, "'sdgs' must be a list of goal numbers from 1 to 17"),
    (bad_front_matter, "front matter is not valid YAML"),
    (no_steps, "'Indicative steps' needs 1 to 12 numbered steps, found 0"),
]


@pytest.mark.parametrize(("mutate", "message"), MALFORMED, ids=[m[0].__name__ for m in MALFORMED])
def test_malformed_file_is_refused_and_the_tree_is_unchanged(
    taxonomy, home_page, small_content, mutate, message
):
    run_import(small_content)
    path = guide_file(small_content, "if-215")
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    # A valid edit elsewhere must not be applied either: all or nothing.
    other = guide_file(small_content)
    other.write_text(other.read_text(encoding="utf-8") + "\nExtra.\n", encoding="utf-8")
    before = tree_state()
    with pytest.raises(CommandError) as excinfo:
        run_import(small_content)
    assert message in str(excinfo.value)
    assert "if-215.md" in str(excinfo.value)
    assert "nothing was written" in str(excinfo.value)
    assert tree_state() == before


def test_two_files_for_one_indicator_are_refused(taxonomy, home_page, small_content):
    shutil.copy(guide_file(small_content), guide_file(small_content, "copy-of-281"))
    with pytest.raises(CommandError, match="already has a guide in"):
        run_import(small_content)
    assert not IndicatorGuidePage.objects.exists()


def test_unsafe_html_in_markdown_is_stripped(taxonomy, home_page, small_content, client):
    path = guide_file(small_content)
    text = path.read_text(encoding="utf-8").replace(
        "## Definition\n",
        "## Definition\n\n<script>alert('x')</script> <img src=x onerror=\"alert(1)\"> "
        '<a href="javascript:alert(1)" onclick="steal()">click</a> '
        '[bad link](javascript:alert(2)) <b onmouseover="x()">bold</b>\n\n',
    )
    path.write_text(text, encoding="utf-8")
    run_import(small_content)
    guide = IndicatorGuidePage.objects.get(indicator__key="if-281")
    stored = guide.body.raw_data[0]["value"]
    page_html = client.get(guide.url).content.decode()
    article = page_html[page_html.index("<article") : page_html.index("</article>")]
    for payload in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "<img"):
        assert payload not in stored.lower()
        assert payload not in article.lower()
    assert "click" in stored and "bold" in stored


def test_dry_run_changes_nothing(taxonomy, home_page, small_content):
    before = tree_state()
    output = run_import(small_content, "--dry-run")
    assert "Dry run: nothing was written." in output
    assert "pages created: 8" in output  # toolkit, dimension and 6 guides, then rolled back
    assert tree_state() == before


def test_missing_guides_are_reported(taxonomy, home_page, small_content):
    guide_file(small_content, "if-242").unlink()
    output = run_import(small_content)
    # 95 LOSI 2024 indicators, 5 guides left in the copied Institutional framework folder.
    assert "90 indicator(s) have no guide yet: #281" not in output
    assert "90 indicator(s) have no guide yet: #242" in output


def test_requires_a_home_page(taxonomy):
    with pytest.raises(CommandError, match="No home page"):
        run_import()


def test_content_dir_is_inside_the_project():
    assert Path(CONTENT_DIR).is_relative_to(Path(__file__).resolve().parents[2])


def test_a_bad_last_file_leaves_nothing_written(taxonomy, home_page, small_content):
    """The last guide in reading order is broken: none of the pages before it is kept."""
    last = sorted((small_content / "local" / "institutional-framework").glob("[!_]*.md"))[-1]
    last.write_text(break_definition(last.read_text(encoding="utf-8")), encoding="utf-8")
    before = tree_state()
    with pytest.raises(CommandError, match=f"{last.name}: unknown section"):
        run_import(small_content)
    assert tree_state() == before
    assert not IndicatorGuidePage.objects.exists()


def test_several_problems_are_reported_at_once_with_their_files(taxonomy, home_page, small_content):
    latin1 = guide_file(small_content, "if-215")
    text = latin1.read_text(encoding="utf-8").replace("a", "é", 1)
    latin1.write_bytes(text.encode("latin-1", "replace"))
    long_title = guide_file(small_content)
    long_title.write_text(
        long_title.read_text(encoding="utf-8").replace(
            "type: indicator\n", "type: indicator\ntitle: " + "T" * 300 + "\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        run_import(small_content)
    message = str(excinfo.value)
    assert "2 problem(s); nothing was written" in message
    assert re.search(r"if-215\.md, line \d+: not UTF-8 text", message)
    assert "if-281.md, field 'title': is 300 characters long; the limit is 255" in message
    assert not IndicatorGuidePage.objects.exists()
