from django.contrib.auth import views as auth_views
from django.urls import path

from cms import views
from cms.forms import EmailAuthenticationForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="account_login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="account_logout"),
    path("register/", views.register, name="account_register"),
    path("register/sent/", views.verification_sent, name="account_verification_sent"),
    path("register/resend/", views.resend_verification, name="account_resend_verification"),
    path("confirm/<str:token>/", views.verify_email, name="account_verify"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
