from wagtail.snippets.models import register_snippet

from quizzes.viewsets import QuestionBankViewSetGroup

register_snippet(QuestionBankViewSetGroup)
