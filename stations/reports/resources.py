"""Excel import of monthly reports collected on paper by county staff.

Two sheets' worth of data, imported one after the other (the shared import reads one sheet):
1. ``MonthlyReportResource``: one row per station and month (natural key: 乡镇代码 + 月份) with
   the station-wide figures and the paper's date of receipt (报送日期).
2. ``MonthlyReportLineResource``: one row per station, month, service domain and target group.

Imported reports arrive as 已报送 (submitted on the receipt date, which cannot precede the
month's submitting window) and are then reviewed on the screens like any other. Approved reports are never changed by an import.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, widgets

from core.dates import month_start
from core.importing import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    ScopedForeignKeyWidget,
    ScopedModelResource,
)
from stations.models import (
    LINE_COUNT_FIELDS,
    MonthlyReport,
    MonthlyReportLine,
    ReportStatus,
    ServiceDomain,
    Station,
    StationKind,
    TargetGroup,
)
from stations.reports.selectors.window import submission_window

MONTH_COLUMN = "月份"
STATION_COLUMN = "乡镇代码"


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


class MonthWidget(widgets.Widget):
    """A month as 2026-10, 2026/10, 2026年10月 or an Excel date; stored as its first day."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return month_start(value.date())
        if isinstance(value, datetime.date):
            return month_start(value)
        text = str(value).strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-")
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return datetime.date(year, month, 1)
        except (TypeError, ValueError) as exc:
            raise ValueError(_("“%(value)s”不是有效月份（应为 2026-10 这样的格式）。") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return f"{value:%Y-%m}" if value else ""


def _township_code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.ljust(12, "0") if text.isdigit() and len(text) in (9, 12) else text


class StationWidget(ScopedForeignKeyWidget):
    """The township station named by its township's 9- or 12-digit code, among the user's."""

    def __init__(self, **kwargs):
        super().__init__(Station, "region__code", label=_("乡镇代码"), **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return super().get_queryset(value, row, *args, **kwargs).filter(kind=StationKind.TOWNSHIP_STATION)

    def clean(self, value, row=None, **kwargs):
        return super().clean(_township_code(value) if value not in (None, "") else value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return value.region.code if value else ""


class ReportByStationMonthWidget(StationWidget):
    """The existing monthly report of the row's station (乡镇代码) and month (月份)."""

    def clean(self, value, row=None, **kwargs):
        station = super().clean(value, row, **kwargs)
        if station is None:
            return None
        period = MonthWidget().clean((row or {}).get(MONTH_COLUMN))
        if period is None:
            raise ValueError(_("请填写月份。"))
        report = MonthlyReport.objects.visible_to(kwargs.get("user") or self.user).filter(
            station=station, period=period).first()
        if report is None:
            raise ValueError(_("%(station)s %(y)s年%(m)s月还没有月报，请先导入月报主表。") % {
                "station": station.name, "y": period.year, "m": period.month})
        if report.status == ReportStatus.APPROVED:
            raise ValueError(_("%(report)s已审核通过，不能通过导入修改。") % {"report": report})
        return report

    def render(self, value, obj=None, **kwargs):
        return value.station.region.code if value else ""


class _ReportResourceBase(ScopedModelResource):
    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = _("Excel 导入")


class MonthlyReportResource(_ReportResourceBase):
    station = fields.Field(attribute="station", column_name=STATION_COLUMN, widget=StationWidget())
    station_name = fields.Field(attribute="station__name", column_name="社工站", readonly=True)
    period = fields.Field(attribute="period", column_name=MONTH_COLUMN, widget=MonthWidget())
    received_on = fields.Field(column_name="报送日期", widget=DateWidget())
    volunteers = fields.Field("volunteers", _label(MonthlyReport, "volunteers"), IntegerWidget())
    volunteer_hours = fields.Field("volunteer_hours", _label(MonthlyReport, "volunteer_hours"), DecimalWidget())
    organisations_incubated = fields.Field("organisations_incubated",
                                           _label(MonthlyReport, "organisations_incubated"), IntegerWidget())
    charity_yuan = fields.Field("charity_yuan", _label(MonthlyReport, "charity_yuan"), DecimalWidget())
    charity_in_kind = fields.Field("charity_in_kind", _label(MonthlyReport, "charity_in_kind"))
    needs_records = fields.Field("needs_records", _label(MonthlyReport, "needs_records"), IntegerWidget())
    resource_entries = fields.Field("resource_entries", _label(MonthlyReport, "resource_entries"), IntegerWidget())
    training_hours = fields.Field("training_hours", _label(MonthlyReport, "training_hours"), DecimalWidget())
    highlights = fields.Field("highlights", _label(MonthlyReport, "highlights"))
    problems = fields.Field("problems", _label(MonthlyReport, "problems"))
    next_plan = fields.Field("next_plan", _label(MonthlyReport, "next_plan"))

    class Meta(ScopedModelResource.Meta):
        model = MonthlyReport
        import_id_fields = ("station", "period")
        fields = ("station", "station_name", "period", "received_on", "volunteers", "volunteer_hours",
                  "organisations_incubated", "charity_yuan", "charity_in_kind", "needs_records",
                  "resource_entries", "training_hours", "highlights", "problems", "next_plan")

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and instance.status == ReportStatus.APPROVED:
            raise ValidationError(_("%(report)s已审核通过，不能通过导入修改；如需更正，请先在报告页面重新打开。")
                                  % {"report": instance})

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            received = DateWidget().clean(row.get("报送日期"))
        except ValueError as exc:
            errors.setdefault("received_on", []).append(str(exc))
            received = None
        today = timezone.localdate()
        if instance.period and instance.period > month_start(today):
            errors.setdefault("period", []).append(_("不能导入未来月份的报告。"))
        if received is None and "received_on" not in errors:
            errors.setdefault("received_on", []).append(_("请填写报送日期（收到纸质报告的日期）。"))
        elif received and (received > today or (instance.period and received < instance.period)):
            errors.setdefault("received_on", []).append(_("报送日期应在报告月份开始之后、今天之前。"))
        elif received and instance.period and instance.station_id:
            window = submission_window(instance.station.region, instance.period)
            if received < window.opens_on:
                errors.setdefault("received_on", []).append(window.opening)
        if errors:
            raise ValidationError(errors)
        for name in ("volunteers", "volunteer_hours", "organisations_incubated", "charity_yuan", "needs_records",
                     "resource_entries", "training_hours"):
            if getattr(instance, name) is None:
                setattr(instance, name, 0)
        instance._received_on = received

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        received = timezone.make_aware(datetime.datetime.combine(instance._received_on, datetime.time(12)))
        if instance.pk is None:
            instance.created_by = self.user
        else:
            instance.version += 1
        if instance.status != ReportStatus.SUBMITTED:
            instance.status = ReportStatus.SUBMITTED
            instance.submitted_at = received
            instance.submitted_by = self.user
        instance.first_submitted_at = instance.first_submitted_at or received


class MonthlyReportLineResource(_ReportResourceBase):
    report = fields.Field(attribute="report", column_name=STATION_COLUMN, widget=ReportByStationMonthWidget())
    month = fields.Field(attribute="report__period", column_name=MONTH_COLUMN, widget=MonthWidget(), readonly=True)
    domain = fields.Field("domain", "服务领域", ChoiceWidget(ServiceDomain.choices))
    target_group = fields.Field("target_group", "服务对象", ChoiceWidget(TargetGroup.choices))
    person_times = fields.Field("person_times", _label(MonthlyReportLine, "person_times"), IntegerWidget())
    home_visits = fields.Field("home_visits", _label(MonthlyReportLine, "home_visits"), IntegerWidget())
    cases_active_start = fields.Field("cases_active_start", _label(MonthlyReportLine, "cases_active_start"),
                                      IntegerWidget())
    cases_opened = fields.Field("cases_opened", _label(MonthlyReportLine, "cases_opened"), IntegerWidget())
    cases_closed = fields.Field("cases_closed", _label(MonthlyReportLine, "cases_closed"), IntegerWidget())
    group_sessions = fields.Field("group_sessions", _label(MonthlyReportLine, "group_sessions"), IntegerWidget())
    community_activities = fields.Field("community_activities", _label(MonthlyReportLine, "community_activities"),
                                        IntegerWidget())

    class Meta(ScopedModelResource.Meta):
        model = MonthlyReportLine
        import_id_fields = ("report", "domain", "target_group")
        fields = ("report", "month", "domain", "target_group", *LINE_COUNT_FIELDS)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for name in LINE_COUNT_FIELDS:
            if getattr(instance, name) is None:
                setattr(instance, name, 0)

    def after_save_instance(self, instance, row, **kwargs):
        # Anyone editing the report on screen meanwhile must reload before saving.
        report = instance.report
        report.version += 1
        report._history_user = self.user
        report._change_reason = _("Excel 导入服务数据")
        report.save(update_fields=["version", "updated_at"])
