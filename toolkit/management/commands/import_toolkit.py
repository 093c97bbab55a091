from cms.imports import ImportProblems, PageImportCommand, Problems, require_home_page
from toolkit.importer import CONTENT_DIR, read_content
from toolkit.services import apply_toolkit_plan
from toolkit.translations import apply_translation_plan, read_translations


class Command(PageImportCommand):
    help = (
        "Build or update the Local and National toolkit page trees from the Markdown files in "
        "toolkit/content, then their translations (toolkit/content/translations/<language>/). "
        "Validates every file first and changes nothing if one is malformed; "
        "publishes through revisions; skips unchanged files and pages edited in the admin."
    )
    title = "Toolkit import"
    content_dir = CONTENT_DIR

    def read(self, options):
        """The originals and their translations, all validated before anything is written."""
        self.home = require_home_page()
        problems = Problems()
        try:
            originals = read_content(options["content_dir"])
        except ImportProblems as exc:
            problems.extend(exc.problems)
            originals = []
        translations = read_translations(options["content_dir"], problems)
        problems.raise_if_any()
        return originals, translations

    def size(self, plan):
        originals, translations = plan
        return sum(
            1 + len(t.sections) + len(t.dimensions) + t.guide_count for t in originals
        ) + sum(translation.size for translation in translations)

    def write(self, plan, outcomes, progress, options):
        originals, translations = plan
        for toolkit in originals:
            apply_toolkit_plan(toolkit, self.home, outcomes, options["force"], progress)
        for translation in translations:
            apply_translation_plan(translation, outcomes, options["force"], progress)

    def report(self, plan, outcomes, options):
        originals, translations = plan
        for translation in translations:
            self.stdout.write(
                f"{translation.toolkit.framework.short_name} in {translation.language}: "
                f"{translation.size} page(s) translated"
            )
        for toolkit in originals:
            self.stdout.write(
                f"{toolkit.framework.short_name}: {len(toolkit.dimensions)} dimensions, "
                f"{toolkit.guide_count} guides, {len(toolkit.sections)} sections"
            )
            if toolkit.missing_indicators:
                codes = ", ".join(i.code or i.key for i in toolkit.missing_indicators[:10])
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(toolkit.missing_indicators)} indicator(s) have no guide yet: "
                        f"{codes}"
                    )
                )
