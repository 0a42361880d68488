"""Sign-in records in the admin: superusers read them; nobody changes or deletes them here.

django-axes registers its own admins, which allow deleting the access and failure logs; they
are replaced by read-only ones. (Lock counters, ``AccessAttempt``, stay deletable: deleting one
is how an administrator lifts a lock.)"""

from axes import admin as axes_admin  # registers axes' admins first, so that they can be replaced
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin


class ReadOnlyLogMixin:
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, model_admin in ((AccessLog, axes_admin.AccessLogAdmin), (AccessFailureLog, axes_admin.AccessFailureLogAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (ReadOnlyLogMixin, model_admin), {}))
