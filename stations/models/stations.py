from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from stations.models.regions import Region, RegionLevel, User, significant_prefix


class StationKind(models.TextChoices):
    TOWNSHIP_STATION = "station", _("乡镇（街道）社工站")
    VILLAGE_ROOM = "room", _("村（社区）社工室")
    COUNTY_CENTRE = "centre", _("县级社会工作服务指导中心")


STATION_KIND_LEVEL = {
    StationKind.TOWNSHIP_STATION: RegionLevel.TOWNSHIP,
    StationKind.VILLAGE_ROOM: RegionLevel.VILLAGE,
    StationKind.COUNTY_CENTRE: RegionLevel.COUNTY,
}


class StationStatus(models.TextChoices):
    PLANNED = "planned", _("筹建")
    PILOT = "pilot", _("试点")
    OPERATING = "operating", _("运营")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("关闭")


COVERING_STATUSES = [StationStatus.PILOT, StationStatus.OPERATING]

# The lifecycle: the statuses a station may move to from each status. A closed station comes back
# only as a reopening (closed → operating), which needs a reason. A station's first status may be any.
STATUS_TRANSITIONS = {
    StationStatus.PLANNED: (StationStatus.PILOT, StationStatus.OPERATING, StationStatus.CLOSED),
    StationStatus.PILOT: (StationStatus.OPERATING, StationStatus.SUSPENDED, StationStatus.CLOSED),
    StationStatus.OPERATING: (StationStatus.SUSPENDED, StationStatus.CLOSED),
    StationStatus.SUSPENDED: (StationStatus.OPERATING, StationStatus.CLOSED),
    StationStatus.CLOSED: (StationStatus.OPERATING,),
}
REOPENING = (StationStatus.CLOSED, StationStatus.OPERATING)


class CoLocation(models.TextChoices):
    PARTY_SERVICE_CENTRE = "party_centre", _("党群服务中心")
    CONVENIENCE_CENTRE = "convenience_centre", _("便民服务中心")
    CIVIL_AFFAIRS_OFFICE = "civil_affairs", _("民政办")
    STANDALONE = "standalone", _("独立场所")
    OTHER = "other", _("其他")


class StationQuerySet(ScopedQuerySet):
    region_code_path = "region__code"
    station_path = "pk"

    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)

    def with_status_at(self, on_date: datetime.date):
        """Annotate ``status_at``: the status in force on a date (None before the first one)."""
        latest = (
            StationStatusChange.objects.active().filter(station=OuterRef("pk"), effective_on__lte=on_date)
            .order_by("-effective_on", "-pk")
            .values("status")[:1]
        )
        return self.annotate(status_at=Subquery(latest))

    def covering_at(self, on_date: datetime.date):
        """Township stations that count towards coverage on a date (pilot or operating)."""
        return (
            self.filter(kind=StationKind.TOWNSHIP_STATION)
            .with_status_at(on_date)
            .filter(status_at__in=COVERING_STATUSES)
        )


class Station(models.Model):
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在区划"),
        on_delete=models.PROTECT,
        related_name="stations",
        help_text=_("社工站填乡镇（街道），社工室填村（社区），指导中心填县（市、区）。"),
    )
    name = models.CharField(_("站点名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=StationKind.choices, default=StationKind.TOWNSHIP_STATION)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    site_area_m2 = models.DecimalField(
        _("场地面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    co_location = models.CharField(_("合署场所"), max_length=20, choices=CoLocation.choices, blank=True)
    opened_on = models.DateField(_("挂牌日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("社工站历史"))

    class Meta:
        verbose_name = _("社工站")
        verbose_name_plural = _("社工站")
        ordering = ["region__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="station_unique_region_kind"),
            models.CheckConstraint(condition=Q(site_area_m2__gte=0), name="station_site_area_non_negative"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stations:station-detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.region_id and self.kind and self.region.level != STATION_KIND_LEVEL[self.kind]:
            raise ValidationError({"region": _("%(kind)s应设在%(level)s一级。") % {
                "kind": StationKind(self.kind).label, "level": RegionLevel(STATION_KIND_LEVEL[self.kind]).label}})

    def status_on(self, on_date: datetime.date) -> str | None:
        change = (self.status_changes.filter(voided=False, effective_on__lte=on_date)
                  .order_by("-effective_on", "-pk").first())
        return change.status if change else None

    @property
    def county(self) -> Region | None:
        code = significant_prefix(self.region.code, RegionLevel.COUNTY).ljust(12, "0")
        return Region.objects.filter(code=code).first()


class StationStatusChangeQuerySet(ScopedQuerySet):
    region_code_path = "station__region__code"
    station_path = "station_id"

    def active(self):
        """The records that count: not voided by a correction."""
        return self.filter(voided=False)


class StationStatusChange(models.Model):
    """One dated change of a station's status. A station's history only moves forward (each new
    record is dated after the latest and follows ``STATUS_TRANSITIONS``), so coverage at a past date
    comes out the same later. A wrong record is changed or voided only by an explicit correction
    (:class:`StationStatusCorrection`); a voided record stays, flagged, and no longer counts."""

    station = models.ForeignKey(Station, verbose_name=_("社工站"), on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(_("状态"), max_length=10, choices=StationStatus.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    voided = models.BooleanField(_("已作废"), default=False, db_default=False)
    voided_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        User, verbose_name=_("作废人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = StationStatusChangeQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("站点状态变更历史"))

    class Meta:
        verbose_name = _("站点状态变更")
        verbose_name_plural = _("站点状态变更")
        ordering = ["station", "effective_on", "pk"]
        constraints = [
            # A voided record keeps its date, and a record may take that date again.
            models.UniqueConstraint(fields=["station", "effective_on"], condition=Q(voided=False),
                                    name="status_change_one_per_day"),
            models.CheckConstraint(condition=Q(voided=False) | ~Q(voided_reason=""),
                                   name="status_change_voided_with_reason"),
        ]
        indexes = [models.Index(fields=["station", "effective_on"], name="status_change_station_date_idx")]

    def __str__(self):
        return f"{self.station} {self.get_status_display()} {self.effective_on}"


class CorrectionAction(models.TextChoices):
    CORRECT = "correct", _("更正")
    VOID = "void", _("作废")


class StationStatusCorrectionQuerySet(ScopedQuerySet):
    region_code_path = "change__station__region__code"
    station_path = "change__station_id"


class StationStatusCorrection(models.Model):
    """An explicit correction of one status record: its date or status changed, or the record
    voided, with the values before and after, who made it, when and why. The only way a coverage
    figure for a past date changes; the dashboard for that date lists the corrections made since."""

    change = models.ForeignKey(StationStatusChange, verbose_name=_("状态记录"), on_delete=models.PROTECT,
                               related_name="corrections")
    action = models.CharField(_("更正方式"), max_length=10, choices=CorrectionAction.choices)
    old_status = models.CharField(_("原状态"), max_length=10, choices=StationStatus.choices)
    old_effective_on = models.DateField(_("原生效日期"))
    new_status = models.CharField(_("更正后状态"), max_length=10, choices=StationStatus.choices, blank=True)
    new_effective_on = models.DateField(_("更正后生效日期"), null=True, blank=True)
    reason = models.CharField(_("更正原因"), max_length=200)
    corrected_by = models.ForeignKey(User, verbose_name=_("更正人"), on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    objects = StationStatusCorrectionQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("状态记录更正历史"))

    class Meta:
        verbose_name = _("状态记录更正")
        verbose_name_plural = _("状态记录更正")
        ordering = ["-corrected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(action="void", new_status="", new_effective_on__isnull=True)
                           | (Q(action="correct", new_effective_on__isnull=False) & ~Q(new_status=""))),
                name="status_correction_new_values_match_action"),
            models.CheckConstraint(condition=~Q(reason=""), name="status_correction_has_reason"),
        ]
        indexes = [models.Index(fields=["corrected_at"], name="status_correction_at_idx")]

    def __str__(self):
        return f"{self.change} {self.get_action_display()} {self.corrected_at:%Y-%m-%d}"


class StationAcceptanceQuerySet(ScopedQuerySet):
    region_code_path = "station__region__code"
    station_path = "station_id"


class StationAcceptance(models.Model):
    """A dated acceptance check of a station against its province's standard."""

    station = models.ForeignKey(Station, verbose_name=_("社工站"), on_delete=models.PROTECT, related_name="acceptances")
    checked_on = models.DateField(_("验收日期"))
    passed = models.BooleanField(_("是否达标"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    checked_by = models.ForeignKey(
        User, verbose_name=_("验收人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = StationAcceptanceQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("站点验收历史"))

    class Meta:
        verbose_name = _("站点验收")
        verbose_name_plural = _("站点验收")
        ordering = ["station", "-checked_on", "-pk"]

    def __str__(self):
        return f"{self.station} {self.checked_on}"


class CoveragePeriod(models.Model):
    """A stretch of days on which a township station covered its township (pilot or operating):
    from ``starts_on`` up to the day before ``ends_on`` (open while it still covers).

    A summary of the status history for the coverage dashboards, which count covered townships at
    up to ten dates across the country: counting these rows is a fraction of replaying 100,000+
    status changes. It carries the township's code and kind so that the count needs no join: those
    the station counted in on those days (a period is cut where its township changed kind or was
    merged into another, see :mod:`stations.selectors.divisions`). Rebuilt per station by
    :func:`stations.services.coverage_periods.refresh_coverage_periods` from every write of a status
    change, a station or a township; tests pin it to the history."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="coverage_periods")
    township_code = models.CharField(max_length=12)
    township_kind = models.CharField(max_length=20)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # Counted in a township the station's own was merged into: that township may have its own
    # station too, so these are the only periods two of which can cover one township on one day.
    merged_in = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("覆盖时段")
        verbose_name_plural = _("覆盖时段")
        ordering = ["station", "starts_on"]
        default_permissions = ()  # derived data: never edited, listed or exported on its own
        constraints = [
            models.UniqueConstraint(fields=["station", "starts_on"], name="coverage_period_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                                   name="coverage_period_ends_after_start"),
        ]
        indexes = [models.Index(fields=["township_code", "starts_on"], name="coverage_period_code_idx")]

    def __str__(self):
        return f"{self.station_id} {self.starts_on}–{self.ends_on or ''}"
