from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from commissioning.opendata.urls import open_data_patterns, open_referral_patterns

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("commissioning/", include("commissioning.urls")),
    path("referrals/", include("referrals.urls")),
    path("scrutiny/", include("scrutiny.urls")),
    # Open to anyone, without signing in (commissioning/opendata/http.py).
    path("open-referral/", include(open_referral_patterns)),
    path("open-data/", include(open_data_patterns)),
]

handler403 = "partnership.errors.permission_denied"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
