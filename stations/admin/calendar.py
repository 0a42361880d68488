"""The official holiday calendar: one notice per published year (or more, a supplementary notice)
with the days it moves. National: superusers keep it, everyone with the admin reads it."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, ServiceWritesAdminMixin
from stations import permissions, services
from stations.models import AdjustedDay, HolidayNotice

NATIONAL = "the holiday calendar is national: everyone with the admin reads it, superusers keep it"


class SuperuserWritesMixin:
    def has_add_permission(self, request, obj=None):
        return permissions.can_edit_holiday_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_edit_holiday_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_edit_holiday_calendar(request.user)


class AdjustedDayInline(SuperuserWritesMixin, admin.TabularInline):
    model = AdjustedDay
    extra = 0
    fields = ("day", "kind", "name")


@admin.register(HolidayNotice)
class HolidayNoticeAdmin(SuperuserWritesMixin, ScopedAdminMixin, ServiceWritesAdminMixin, SimpleHistoryAdmin):
    unscoped_reason = NATIONAL
    list_display = ("year", "title", "number", "issued_on", "day_count")
    search_fields = ("title", "number")
    list_filter = ("year",)
    fields = ("year", "title", "number", "issued_on", "url", "note")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (AdjustedDayInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(adjusted_days=Count("days"))

    @admin.display(description=_("调整天数"), ordering="adjusted_days")
    def day_count(self, obj):
        return obj.adjusted_days

    def save_model(self, request, obj, form, change):
        services.holiday_notice_save(actor=request.user, notice=obj, announce=False)

    def save_formset(self, request, form, formset, change):
        days = formset.save(commit=False)  # this also fills ``deleted_objects``
        services.adjusted_days_save(actor=request.user, notice=form.instance, days=days,
                                    deleted=formset.deleted_objects)

    def get_deleted_objects(self, objs, request):
        """A notice's days go with it (deleted one by one by the service, audited), though the days'
        own admin is read-only."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(AdjustedDay._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.holiday_notice_delete(actor=request.user, notice=obj)


@admin.register(AdjustedDay)
class AdjustedDayAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    """Every adjusted day at a glance; they are kept on their notice's page."""

    unscoped_reason = NATIONAL
    list_display = ("day", "kind", "name", "notice")
    list_filter = ("kind", "notice__year")
    search_fields = ("name", "notice__title")
    date_hierarchy = "day"
    list_select_related = ("notice",)
