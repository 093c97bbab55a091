from django.urls import path

from courses import views

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<int:page_id>/enrol/", views.enrol, name="course_enrol"),
    path("lessons/<int:page_id>/complete/", views.complete_lesson, name="lesson_complete"),
    path("lessons/<int:page_id>/answers/", views.save_answers, name="lesson_answers"),
    path("certificates/<str:code>/", views.verify_certificate, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("invitations/<str:token>/", views.invitation, name="cohort_invitation"),
    path("join/<str:code>/", views.join_cohort, name="cohort_join"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/learners/", views.cohort_add_learners, name="cohort_add_learners"),
    path("cohorts/<int:pk>/assignments/", views.cohort_assign, name="cohort_assign"),
    path("cohorts/<int:pk>/export.csv", views.cohort_export, name="cohort_export"),
    path("cohorts/<int:pk>/learners/<int:user_id>/", views.cohort_learner, name="cohort_learner"),
    path(
        "cohorts/<int:pk>/learners/<int:user_id>/remove/",
        views.cohort_remove_member,
        name="cohort_remove_member",
    ),
]
