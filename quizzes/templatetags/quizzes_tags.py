from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cms.templatetags.numbers import percent
from quizzes.rendering import render_question

register = template.Library()


@register.simple_tag
def question_controls(data, name, response=None, seed=0):
    """A question's text and answer controls, without answers or feedback."""
    return render_question(data, name, response, seed)


@register.simple_tag
def mastery_chart(criterion) -> str:
    """A criterion's chart: one horizontal bar per indicator, server-rendered SVG (readable
    without JavaScript; the table beside it says the same in text)."""
    height = 26 * len(criterion.indicators) + 10
    bars = []
    for n, row in enumerate(criterion.indicators):
        y = 26 * n + 5
        width = 0 if row.known is None else round(300 * row.known)
        label = row.indicator.code or row.indicator.name[:12]
        value = row.level_label if row.known is None else percent(row.percent)
        bars.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="90" y="{}" width="300" height="16" class="chart-track"/>'
                '<rect x="90" y="{}" width="{}" height="16" class="chart-bar level-{}"/>'
                '<text x="398" y="{}" class="chart-value">{}</text>',
                y + 13,
                label,
                y,
                y,
                width,
                row.level,
                y + 13,
                value,
            )
        )
    return format_html(
        '<svg class="mastery-chart" viewBox="0 0 460 {}" role="img" aria-labelledby="{}">{}</svg>',
        height,
        f"criterion-{criterion.criterion.pk}",
        mark_safe("".join(bars)),  # noqa: S308 (each bar built with format_html)
    )
