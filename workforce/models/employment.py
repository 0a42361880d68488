"""A person's assignments to stations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from projects.models import Organisation
from stations.models import Station
from workforce.models.choices import EmploymentRole
from workforce.models.people import Person


class EmploymentQuerySet(ScopedQuerySet):
    """An assignment is placed by its station: county A keeps seeing the past
    assignments at its stations (history of its rosters) after the person moved."""

    region_code_path = "station__region__code"
    station_path = "station_id"

    def active_on(self, on_date: datetime.date):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=on_date), start_on__lte=on_date)

    def overlapping(self, start: datetime.date, end: datetime.date):
        return self.filter(Q(end_on__isnull=True) | Q(end_on__gte=start), start_on__lte=end)


class Employment(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(
        Organisation, verbose_name=_("用人机构"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="employments", help_text=_("承接机构；由民政部门直接聘用的可不填。"),
    )
    station = models.ForeignKey(
        Station, verbose_name=_("服务站点"), on_delete=models.PROTECT, related_name="employments",
        help_text=_("社工站、社工室或县级指导中心。"),
    )
    role = models.CharField(_("岗位"), max_length=20, choices=EmploymentRole.choices)
    start_on = models.DateField(_("到岗日期"))
    end_on = models.DateField(_("离岗日期"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    objects = EmploymentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("岗位安排历史"))

    class Meta:
        verbose_name = _("岗位安排")
        verbose_name_plural = _("岗位安排")
        ordering = ["person", "-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                                   name="employment_end_after_start"),
            models.UniqueConstraint(fields=["person", "station", "start_on"], name="employment_unique_start"),
        ]
        indexes = [models.Index(fields=["station", "start_on"], name="employment_station_start_idx"),
                   # A person's placement: their latest assignment started by a day, one index probe.
                   models.Index(fields=["person", "-start_on", "-id"], name="employment_person_latest_idx")]

    def __str__(self):
        return f"{self.person} · {self.station} · {self.get_role_display()}"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("离岗日期不能早于到岗日期。")})
        if self.person_id and self.station_id and self.start_on:
            clash = Employment.objects.filter(person_id=self.person_id, station_id=self.station_id).overlapping(
                self.start_on, self.end_on or datetime.date.max).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"start_on": _("此人在该站点已有时间重叠的岗位安排。")})

    def is_active_on(self, on_date: datetime.date) -> bool:
        return self.start_on <= on_date and (self.end_on is None or self.end_on >= on_date)
