"""Shared pieces of the import commands."""

from django.core.management.base import CommandError


def require_home_page():
    from cms.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        raise CommandError("No home page: run load_demo_content (or create one) first.")
    return home


def refusal(
    problems: list[str], outcome: str = "nothing was written", source: str = ""
) -> CommandError:
    """One error listing every problem found, so a file is fixed in one pass."""
    prefix = f"{source}: " if source else ""
    return CommandError(f"{prefix}{len(problems)} problem(s); {outcome}:\n" + "\n".join(problems))
