"""Sign-in records in the admin: superusers read them; nobody changes or deletes them here.

django-axes registers its own admins, which allow deleting the access and failure logs; they
are replaced by read-only ones. (Lock counters, ``AccessAttempt``, stay deletable: deleting one
is how an administrator lifts a lock.) Background jobs are listed for superusers, read only."""

from axes import admin as axes_admin  # registers axes' admins first, so that they can be replaced
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from config.two_factor.admin import SuperusersReadOnlyMixin
from core.models import Job


class ReadOnlyLogMixin:
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, model_admin in ((AccessLog, axes_admin.AccessLogAdmin), (AccessFailureLog, axes_admin.AccessFailureLogAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (ReadOnlyLogMixin, model_admin), {}))


@admin.register(Job)
class JobAdmin(SuperusersReadOnlyMixin, admin.ModelAdmin):
    """Every user's background jobs, for superusers to look into a failure: read only (a job is
    started and finished by the product, never edited)."""

    list_display = ("title", "user", "kind", "status", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("title", "user__username", "user__last_name", "user__first_name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = ("user", "kind", "title", "params", "status", "created_at", "started_at", "finished_at",
                       "attempts", "total", "done", "input_file", "result_file", "result_name", "result", "error",
                       "language")

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the job up before asking for permission: refused first, "missing" and
        # "someone's job" answer alike.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context=extra_context)
