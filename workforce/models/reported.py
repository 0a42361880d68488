"""Workforce figures a province enters with their source, for the targets whose population the
product does not hold whole (the certified social workers and professionals of a province are
far more than the people on its stations' rosters)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from stations.models import TARGET_LEVELS, Region, TargetMetric


class ReportedMetric(models.TextChoices):
    """The target metrics compared with an entered figure (their values are the target metrics')."""

    CERTIFIED_SOCIAL_WORKERS = TargetMetric.CERTIFIED_SOCIAL_WORKERS.value, _("持证社会工作者人数")
    SOCIAL_WORK_PROFESSIONALS = TargetMetric.SOCIAL_WORK_PROFESSIONALS.value, _("社会工作专业人才人数")


class ReportedFigureQuerySet(ScopedQuerySet):
    region_code_path = "region__code"

    def latest_by_metric(self, region: Region, year: int) -> dict[str, ReportedFigure]:
        """Per metric, the region's figure of the latest year up to ``year`` (one query)."""
        found = {}
        for figure in self.filter(region=region, year__lte=year).order_by("metric", "-year"):
            found.setdefault(figure.metric, figure)
        return found


class ReportedFigure(models.Model):
    """A region's year-end figure of one workforce metric as the province reports it (its
    statistics, a survey), with where it comes from; entered by provincial officials."""

    region = models.ForeignKey(Region, verbose_name=_("区划"), on_delete=models.PROTECT,
                               related_name="reported_workforce_figures")
    metric = models.CharField(_("指标"), max_length=40, choices=ReportedMetric.choices)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
                                            help_text=_("数据所属年度（年末数）。"))
    value = models.PositiveIntegerField(_("人数"))
    source = models.CharField(_("数据来源"), max_length=200,
                              help_text=_("如：省民政厅2024年社会工作统计年报。"))

    objects = ReportedFigureQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("人才队伍填报数历史"))

    class Meta:
        verbose_name = _("人才队伍填报数")
        verbose_name_plural = _("人才队伍填报数")
        ordering = ["region__code", "metric", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "metric", "year"], name="reported_figure_one_per_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="reported_figure_not_negative"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_metric_display()} {self.year}"

    def clean(self):
        if self.region_id and self.region.level not in TARGET_LEVELS:
            raise ValidationError({"region": _("填报数按省、市、县（市、区）录入。")})
        self.source = (self.source or "").strip()
        if not self.source:
            raise ValidationError({"source": _("请注明数据来源。")})
