from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.retention_index, name="index"),
    path("holds/new/", views.hold_create, name="hold_create"),
    path("holds/<int:pk>/release/", views.hold_release, name="hold_release"),
]
