"""Numbers as the reader's language writes them."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent(value):
    """A percentage with its sign where the language puts it: "67%" in English, "67 %" in
    French (a no-break space, so the sign never starts a line). Takes the number already
    rounded (`|floatformat`); None or "" stay empty."""
    if value is None or value == "":
        return ""
    # Translators: a percentage; put the sign (and any no-break space) as your language does.
    return gettext("%(percent)s%%") % {"percent": value}
