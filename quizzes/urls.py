from django.urls import path

from quizzes import views

urlpatterns = [
    path("progress/", views.my_progress, name="quiz_progress"),
    path("practice/", views.practice, name="quiz_practice"),
    path("quizzes/<int:page_id>/start/", views.start, name="quiz_start"),
    path("attempts/<int:pk>/", views.attempt, name="quiz_attempt"),
    path("attempts/<int:pk>/summary/", views.summary, name="quiz_summary"),
    path("attempts/<int:pk>/submit/", views.submit, name="quiz_submit"),
    path("attempts/<int:pk>/review/", views.review, name="quiz_review"),
    path("cohorts/<int:pk>/indicators/", views.cohort_indicators, name="cohort_indicators"),
]
