"""Monthly reports in the admin: read-only (writes go through the review workflow on the
screens); filing deadlines are set here by provincial, city or county officials."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import (
    ConcurrentEditAdminMixin,
    EstimatedCountPaginator,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
)
from stations.models import LINE_COUNT_FIELDS, MonthlyReport, MonthlyReportLine, ReportDeadline


class MonthlyReportLineInline(admin.TabularInline):
    model = MonthlyReportLine
    extra = 0
    can_delete = False
    fields = ("domain", "target_group", *LINE_COUNT_FIELDS)
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("station", "period", "status", "first_submitted_at", "reviewed_by", "version")
    list_filter = ("status", "period")
    search_fields = ("station__name", "station__region__name", "station__region__code")
    list_select_related = ("station", "reviewed_by")
    # Newest first straight off an index; no date hierarchy (its year list scans every report).
    ordering = ("-period", "-id")
    paginator = EstimatedCountPaginator
    inlines = (MonthlyReportLineInline,)
    show_full_result_count = False  # no second COUNT(*) over every report in scope


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(ScopedAdminMixin, ConcurrentEditAdminMixin, SimpleHistoryAdmin):
    list_display = ("region", "day", "note")
    search_fields = ("region__name", "region__code")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
