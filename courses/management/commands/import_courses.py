from cms.imports import PageImportCommand, require_home_page
from courses.importer import CONTENT_DIR, read_courses
from courses.services import apply_course_plan


class Command(PageImportCommand):
    help = (
        "Build or update the shipped courses (courses/content/<course>/) as course, module and "
        "lesson pages. Validates every file first and changes nothing if one is malformed; "
        "skips unchanged files and pages edited in the admin. Run import_toolkit first: "
        "lessons show excerpts of the guides."
    )
    title = "Course import"
    content_dir = CONTENT_DIR

    def read(self, options):
        self.home = require_home_page()
        return read_courses(options["content_dir"])

    def size(self, plan):
        return sum(course.size for course in plan)

    def write(self, plan, outcomes, progress, options):
        for course in plan:
            apply_course_plan(course, self.home, outcomes, options["force"], progress)

    def report(self, plan, outcomes, options):
        for course in plan:
            lessons = sum(len(module.lessons) for module in course.modules)
            self.stdout.write(f"{course.title}: {len(course.modules)} modules, {lessons} lessons")
