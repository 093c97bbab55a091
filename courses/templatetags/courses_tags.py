from django import template

register = template.Library()


@register.simple_tag
def answer_for(answers, key):
    """The learner's saved answer to an exercise prompt (escaped by the template)."""
    return (answers or {}).get(str(key), "")
