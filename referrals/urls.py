from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("export.csv", views.referral_export, name="referral_export"),
    path("<int:pk>/", views.referral_detail, name="referral_detail"),
    path("<int:pk>/<slug:action>/", views.referral_action, name="referral_action"),
]
