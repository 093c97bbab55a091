from django import template

from quizzes.rendering import render_question

register = template.Library()


@register.simple_tag
def question_controls(data, name, response=None, seed=0):
    """A question's text and answer controls, without answers or feedback."""
    return render_question(data, name, response, seed)
