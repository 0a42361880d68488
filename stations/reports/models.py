"""Monthly reports (月度工作简报): one per station per month, filed by the station head and
reviewed by the staff of the station's county."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import figures
from core.dates import month_start
from core.scope import ScopedQuerySet
from stations.models.regions import Region, User
from stations.models.stations import Station
from stations.reports.choices import EDITABLE_STATUSES, ApprovedReportLocked, ReportStatus, ServiceDomain, TargetGroup


class MonthlyReportQuerySet(ScopedQuerySet):
    region_code_path = "station__region__code"
    station_path = "station_id"

    def for_period(self, period: datetime.date):
        return self.filter(period=month_start(period))

    def approved(self):
        return self.filter(status=ReportStatus.APPROVED)

    def in_region(self, region: Region):
        return self.filter(station__region__code__startswith=region.prefix)

    # Bulk writes bypass ``save()``: they too leave approved reports alone, and they too move the
    # cached figures on (no signal tells of them).
    def update(self, **kwargs):
        if self.approved().exists():
            raise ApprovedReportLocked
        figures.changed(figures.REPORTS)
        return super().update(**kwargs)

    def delete(self):
        if self.approved().exists():
            raise ApprovedReportLocked
        return super().delete()


class MonthlyReport(models.Model):
    """A station's monthly report. Service figures per domain and target group are its
    :class:`MonthlyReportLine` rows; the figures below are for the station as a whole."""

    station = models.ForeignKey(Station, verbose_name=_("社工站"), on_delete=models.PROTECT,
                                related_name="monthly_reports")
    period = models.DateField(_("报告月份"), help_text=_("该月的第一天"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    volunteers = models.PositiveIntegerField(_("动员志愿者（人）"), default=0)
    volunteer_hours = models.DecimalField(_("志愿服务时长（小时）"), max_digits=9, decimal_places=1, default=0,
                                          validators=[MinValueValidator(0)])
    organisations_incubated = models.PositiveIntegerField(_("培育社区社会组织（个）"), default=0)
    charity_yuan = models.DecimalField(_("链接慈善资金（元）"), max_digits=14, decimal_places=2, default=0,
                                       validators=[MinValueValidator(0)])
    charity_in_kind = models.TextField(_("链接慈善物资（实物）"), blank=True,
                                       help_text=_("如：米面油 50 份、冬衣 30 件"))
    needs_records = models.PositiveIntegerField(_("新建居民需求档案（份）"), default=0)
    resource_entries = models.PositiveIntegerField(_("社会资源库新增登记（条）"), default=0)
    training_hours = models.DecimalField(_("社工参加培训（小时）"), max_digits=7, decimal_places=1, default=0,
                                         validators=[MinValueValidator(0)])
    highlights = models.TextField(_("工作亮点"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下月计划"), blank=True)

    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(User, verbose_name=_("报送人"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(User, verbose_name=_("审核人"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", editable=False)
    return_reason = models.TextField(_("退回/重新打开原因"), blank=True, editable=False)
    created_by = models.ForeignKey(User, verbose_name=_("填报人"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("月度报告历史"))

    class Meta:
        verbose_name = _("月度工作简报")
        verbose_name_plural = _("月度工作简报")
        ordering = ["-period", "station__region__code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "period"], name="monthly_report_one_per_station_month"),
            models.CheckConstraint(condition=Q(period__day=1), name="monthly_report_period_first_day"),
            models.CheckConstraint(condition=Q(volunteer_hours__gte=0), name="monthly_report_volunteer_hours_gte_0"),
            models.CheckConstraint(condition=Q(charity_yuan__gte=0), name="monthly_report_charity_yuan_gte_0"),
            models.CheckConstraint(condition=Q(training_hours__gte=0), name="monthly_report_training_hours_gte_0"),
            models.CheckConstraint(
                condition=Q(volunteers__gte=0) & Q(organisations_incubated__gte=0) & Q(needs_records__gte=0)
                & Q(resource_entries__gte=0),
                name="monthly_report_counts_gte_0",
                violation_error_message=_("人数、个数、份数、条数不能为负数。"),
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="monthly_report_period_status"),
                   models.Index(fields=["-period", "-id"], name="report_period_newest_idx")]

    def __str__(self):
        return f"{self.station} {self.period:%Y年%m月}"

    def save(self, *args, **kwargs):
        """An approved report is never written again, except by the reopen service (which
        sets ``_reopening`` under the row lock and records the reason)."""
        if not self.__dict__.pop("_reopening", False) and self._stored_approved():
            raise ApprovedReportLocked
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stations:report-detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        if self._stored_approved():
            raise ApprovedReportLocked
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("报告月份须为该月第一天。")})

    def _stored_approved(self) -> bool:
        return bool(self.pk) and MonthlyReport.objects.filter(pk=self.pk, status=ReportStatus.APPROVED).exists()

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def month_label(self) -> str:
        return f"{self.period.year}年{self.period.month}月"


class MonthlyReportLineQuerySet(ScopedQuerySet):
    region_code_path = "report__station__region__code"
    station_path = "report__station_id"

    def update(self, **kwargs):
        if self.filter(report__status=ReportStatus.APPROVED).exists():
            raise ApprovedReportLocked
        figures.changed(figures.REPORTS)
        return super().update(**kwargs)

    def delete(self):
        if self.filter(report__status=ReportStatus.APPROVED).exists():
            raise ApprovedReportLocked
        return super().delete()


LINE_COUNT_FIELDS = (
    "person_times", "home_visits", "cases_active_start", "cases_opened", "cases_closed", "group_sessions",
    "community_activities",
)


class MonthlyReportLine(models.Model):
    """Services delivered in one domain to one target group during the report's month.

    Case work is a monthly stock-and-flow: ``cases_active_start`` cases were open on the
    first day of the month, ``cases_opened`` were opened during it and ``cases_closed``
    closed during it, so ``cases_closed`` can never exceed ``cases_active_start +
    cases_opened`` and the cases still open at month end are the difference."""

    report = models.ForeignKey(MonthlyReport, verbose_name=_("月度报告"), on_delete=models.CASCADE,
                               related_name="lines")
    domain = models.CharField(_("服务领域"), max_length=24, choices=ServiceDomain.choices)
    target_group = models.CharField(_("服务对象"), max_length=24, choices=TargetGroup.choices)
    person_times = models.PositiveIntegerField(_("服务人次"), default=0)
    home_visits = models.PositiveIntegerField(_("入户走访（户次）"), default=0)
    cases_active_start = models.PositiveIntegerField(_("月初在案个案"), default=0)
    cases_opened = models.PositiveIntegerField(_("本月新开个案"), default=0)
    cases_closed = models.PositiveIntegerField(_("本月结案个案"), default=0)
    group_sessions = models.PositiveIntegerField(_("小组活动（节）"), default=0)
    community_activities = models.PositiveIntegerField(_("社区活动（场）"), default=0)

    objects = MonthlyReportLineQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("月度报告服务数据历史"))

    class Meta:
        verbose_name = _("月度报告服务数据")
        verbose_name_plural = _("月度报告服务数据")
        ordering = ["report", "domain", "target_group"]
        constraints = [
            models.UniqueConstraint(fields=["report", "domain", "target_group"],
                                    name="monthly_report_line_unique_domain_group"),
            models.CheckConstraint(
                condition=Q(person_times__gte=0) & Q(home_visits__gte=0) & Q(cases_active_start__gte=0)
                & Q(cases_opened__gte=0) & Q(cases_closed__gte=0) & Q(group_sessions__gte=0)
                & Q(community_activities__gte=0),
                name="monthly_report_line_counts_gte_0",
                violation_error_message=_("服务数据不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(cases_closed__lte=F("cases_active_start") + F("cases_opened")),
                name="monthly_report_line_closed_within_open",
                violation_error_message=_("本月结案个案不能多于月初在案个案与本月新开个案之和。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()} · {self.get_target_group_display()}"

    def save(self, *args, **kwargs):
        if self._report_approved():
            raise ApprovedReportLocked
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._report_approved():
            raise ApprovedReportLocked
        return super().delete(*args, **kwargs)

    def _report_approved(self) -> bool:
        return bool(self.report_id) and MonthlyReport.objects.filter(
            pk=self.report_id, status=ReportStatus.APPROVED).exists()

    def clean(self):
        opened = (self.cases_active_start or 0) + (self.cases_opened or 0)
        if self.cases_closed is not None and self.cases_closed > opened:
            raise ValidationError({"cases_closed": _(
                "本月结案个案（%(closed)s）不能多于月初在案个案与本月新开个案之和（%(open)s）。"
            ) % {"closed": self.cases_closed, "open": opened}})

    @property
    def cases_active_end(self) -> int:
        return self.cases_active_start + self.cases_opened - self.cases_closed


class ReportDeadlineQuerySet(ScopedQuerySet):
    region_code_path = "region__code"


class ReportDeadline(models.Model):
    """A region's own filing deadline; the nearest ancestor's override applies to a station,
    and without any the default (the 5th of the following month) holds."""

    region = models.OneToOneField(Region, verbose_name=_("区划"), on_delete=models.PROTECT,
                                  related_name="report_deadline")
    day = models.PositiveSmallIntegerField(
        _("次月截止日"), validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每月报告须在次月的这一天（含）之前报送，1–28。"),
    )
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ReportDeadlineQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("报送截止日历史"))

    class Meta:
        verbose_name = _("月报截止日")
        verbose_name_plural = _("月报截止日")
        ordering = ["region__code"]
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1) & Q(day__lte=28), name="report_deadline_day_1_28"),
        ]

    def __str__(self):
        return f"{self.region}：次月{self.day}日"
