"""Percentages follow the reader's language: "67%" in English, "67 %" (no-break space) in
French, on the pages and in the SVG chart's labels."""

from django.template import Context, Template
from django.utils import translation

from cms.templatetags.numbers import percent


def test_the_sign_goes_where_the_language_puts_it():
    with translation.override("en"):
        assert percent(67) == "67%"
    with translation.override("fr"):
        assert percent(67) == "67\u00a0%"
        assert percent("33,5") == "33,5\u00a0%"


def test_nothing_stays_nothing():
    assert percent(None) == "" and percent("") == ""


def test_in_a_template_after_rounding():
    template = Template('{% load numbers %}{{ value|floatformat:"0"|percent }}')
    with translation.override("fr"):
        assert template.render(Context({"value": 66.6})) == "67\u00a0%"
