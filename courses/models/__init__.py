from courses.models.pages import CourseIndexPage, CoursePage, LessonPage, ModulePage
from courses.models.records import (
    ANSWER_MAX_LENGTH,
    Assignment,
    Certificate,
    Cohort,
    CohortMember,
    Enrolment,
    ExerciseAnswer,
    Invitation,
    ItemCompletion,
    ReminderLog,
    Requirement,
)

__all__ = [
    "ANSWER_MAX_LENGTH",
    "Assignment",
    "Certificate",
    "Cohort",
    "CohortMember",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "ExerciseAnswer",
    "Invitation",
    "ItemCompletion",
    "LessonPage",
    "ModulePage",
    "ReminderLog",
    "Requirement",
]
