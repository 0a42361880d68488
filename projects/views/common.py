"""Shared pieces of the projects screens: the county-staff guard, and service errors shown on forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.access import RuleRequiredMixin
from projects import permissions


class CountyStaffRequiredMixin(RuleRequiredMixin):
    rule = permissions.can_manage_purchases
    denied_message = gettext_lazy("只有县级民政部门可以进行此操作。")


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
