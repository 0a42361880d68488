from django.urls import path

from config.two_factor import views

urlpatterns = [
    path("", views.overview_view, name="two-factor"),
    path("verify/", views.verify_view, name="two-factor-verify"),
    path("enrol/", views.enrol_view, name="two-factor-enrol"),
    path("recovery-codes/", views.recovery_codes_view, name="two-factor-recovery-codes"),
]
