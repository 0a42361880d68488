"""China's official holiday calendar, as the State Council publishes it each year.

A year's arrangements are *published* once a notice for that year is recorded; its adjusted days
are the days that differ from Monday-to-Friday (a holiday on a weekday, a working day on a
weekend), each pointing at the notice that sets it. Working-day deadlines read it through
``core.dates`` (the provider is registered from ``StationsConfig.ready()``). The calendar is
national: superusers keep it, everyone reads it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HolidayNotice(models.Model):
    """A State Council (General Office) notice publishing a year's holiday arrangements."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("通知安排的年度；录入后该年度的节假日安排即视为已公布。"))
    title = models.CharField(_("通知名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, blank=True, help_text=_("如 国办发明电〔2025〕7号。"))
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    url = models.URLField(_("链接"), max_length=500, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    history = HistoricalRecords(verbose_name=_("节假日安排通知历史"))

    class Meta:
        verbose_name = _("节假日安排通知")
        verbose_name_plural = _("节假日安排通知")
        ordering = ["-year", "issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["year", "title"], name="holiday_notice_unique_title")]

    def __str__(self):
        return f"《{self.title}》{f'（{self.number}）' if self.number else ''}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假（工作日休息）")
    WORKDAY = "workday", _("调休上班（周末上班）")


class AdjustedDay(models.Model):
    """One day the notice moves: a weekday off, or a weekend day worked."""

    notice = models.ForeignKey(HolidayNotice, verbose_name=_("依据通知"), on_delete=models.CASCADE,
                               related_name="days")
    day = models.DateField(_("日期"), unique=True, error_messages={"unique": _("该日期已有安排。")})
    kind = models.CharField(_("安排"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=60, blank=True, help_text=_("如 国庆节。"))

    history = HistoricalRecords(verbose_name=_("节假日调整历史"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.day is None:
            return
        weekend = self.day.weekday() >= 5
        if self.kind == DayKind.HOLIDAY and weekend:
            raise ValidationError({"kind": _("%(day)s 是周末，本来就休息，不需登记为放假。") % {"day": self.day}})
        if self.kind == DayKind.WORKDAY and not weekend:
            raise ValidationError({"kind": _("%(day)s 是工作日，本来就上班，不需登记为调休上班。") % {"day": self.day}})
        if self.notice_id and abs(self.day.year - self.notice.year) > 1:
            raise ValidationError({"day": _("日期不在通知安排的 %(year)s 年度前后。") % {"year": self.notice.year}})
