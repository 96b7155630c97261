from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commissioning.opendata.urls import open_data_patterns, open_referral_patterns

from . import views, views_account
from .health import HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", views_account.login_code, name="login_code"),
    path("login/recovery-code/", views_account.login_recovery, name="login_recovery"),
    path("login/set-up/", views_account.login_set_up, name="login_set_up"),
    path("account/", views_account.account, name="account"),
    path(
        "account/authenticator/move/",
        views_account.account_authenticator_move,
        name="account_authenticator_move",
    ),
    path(
        "account/recovery-codes/",
        views_account.account_recovery_codes,
        name="account_recovery_codes",
    ),
    path(
        "account/recovery-codes/new/",
        views_account.account_new_recovery_codes,
        name="account_new_recovery_codes",
    ),
    path("password-reset/", views_account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views_account.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views_account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views_account.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("health/", HealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
    path("commissioning/", include("commissioning.urls")),
    path("referrals/", include("referrals.urls")),
    path("scrutiny/", include("scrutiny.urls")),
    # Open to anyone, without signing in (commissioning/opendata/http.py).
    path("open-referral/", include(open_referral_patterns)),
    path("open-data/", include(open_data_patterns)),
    path("retention/", include("scrutiny.retention.urls")),
]

handler403 = "partnership.errors.permission_denied"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
