"""Grade columns that other apps add to a cohort's gradebook export, after the modules' own.

The courses app knows modules and their completion; graded items (quizzes) live in apps above
it, which register a provider here when they load (`quizzes.apps`), so courses names no quiz
code. A provider gets the exported modules' translation keys (in the export's order) and the
learners' ids, and returns its columns in a fixed number of queries, whatever their number."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class GradeColumn:
    title: str  # as Moodle's export names it: "Quiz: Check your understanding (Percentage)"
    grades: dict[int, float] = field(default_factory=dict)  # user id -> percent; absent: none


Provider = Callable[[Sequence[UUID], Sequence[int]], list[GradeColumn]]
providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in providers:
        providers.append(provider)


def grade_columns(module_keys: Sequence[UUID], user_ids: Sequence[int]) -> list[GradeColumn]:
    return [column for provider in providers for column in provider(module_keys, user_ids)]
