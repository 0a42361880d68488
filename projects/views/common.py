"""Shared pieces of the projects screens: who may write, and service errors shown on forms."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from stations.models import Role


def may_write(user) -> bool:
    """County staff buy and record; cities and the province read (the province works in the admin)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.COUNTY)


def may_record_filing(user) -> bool:
    return may_write(user) or (user.is_authenticated and user.role == Role.CITY)


class CountyStaffRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write(request.user):
            raise PermissionDenied(_("只有县级民政部门可以进行此操作。"))
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form, error: ValidationError, buckets: dict | None = None) -> None:
    """Put a service's ValidationError on the form fields it names; ``buckets`` collects
    errors for parts that are not form fields (funding lines, the schedule)."""
    buckets = buckets if buckets is not None else {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        if field in buckets:
            buckets[field].extend(messages)
        elif field in form.fields:
            form.add_error(field, messages)
        else:
            form.add_error(None, messages)


def today():
    return timezone.localdate()
