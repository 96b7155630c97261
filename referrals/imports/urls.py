"""The import journey's URLs, under the referrals app's (referrals/urls.py includes them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/format/", views.import_format, name="import_format"),
    path(
        "imports/template/<int:service>.<slug:file_format>",
        views.import_template,
        name="import_template",
    ),
    path("imports/sample/<int:service>.csv", views.import_sample, name="import_sample"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/rejected-rows.csv", views.import_problems, name="import_problems"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/<int:pk>/check-again/", views.import_check_again, name="import_check_again"),
]
