from django.urls import path

from . import views, views_statutory
from .imports.urls import urlpatterns as import_patterns

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("export.csv", views.referral_export, name="referral_export"),
    path("annual-return/", views_statutory.annual_return_list, name="annual_return_list"),
    path(
        "annual-return/<int:pk>/",
        views_statutory.annual_return_detail,
        name="annual_return_detail",
    ),
    path(
        "annual-return/<int:pk>/return.xlsx",
        views_statutory.annual_return_download,
        name="annual_return_download",
    ),
    path("return-lists/", views_statutory.return_lists, name="return_lists"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/<slug:action>/", views.referral_action, name="referral_action"),
    *import_patterns,
]
