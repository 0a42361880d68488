from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import health, views

admin.site.site_header = _("乡镇（街道）社工站管理系统")
admin.site.site_title = _("社工站管理系统")
admin.site.index_title = _("省级管理")

urlpatterns = [
    path("", views.home_view, name="home"),
    path("favicon.ico", views.favicon_view, name="favicon"),
    path("healthz", health.healthz_view, name="healthz"),
    path("readyz", health.readyz_view, name="readyz"),
    path("audit/", views.audit_log_view, name="audit-log"),
    path("jobs/", include("config.job_views")),
    path("notifications/", include("config.notice_views")),
    path("reports/chain/", include("config.chain_views")),
    path("policies/", include("config.local_policy_views")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", include("config.two_factor.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stations/", include("stations.urls")),
    path("projects/", include("projects.urls")),
    path("workforce/", include("workforce.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files (evaluation evidence) are never served from MEDIA_URL, not even with DEBUG on:
# only through their scoped download view (assessments:evidence-download).

handler500 = "config.resilience.server_error"
