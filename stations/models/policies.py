"""Policy documents and the rules they set.

Every rule the product computes with belongs to one document, which governs one
region from a date (the date it was issued, or a date it names) until a later
document of the same region sets the same rule, or the document is repealed.
Scalar rules (a deadline in years, a share cap) are :class:`PolicyRule` rows
keyed by a registered rule key (``stations.rules``); targets, stipends and
standards checklists keep their own models and point at their document.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import Scope, ScopedQuerySet
from stations.models.regions import LEVEL_ORDER, Region, RegionLevel, ancestor_codes


class PolicyDocumentQuerySet(ScopedQuerySet):
    """A user reads the documents of their region, of its ancestors (which govern it) and below.
    Documents whose region could not be determined are read by superusers only."""

    region_code_path = "region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        if scope.prefix:
            return Q(region__code__startswith=scope.prefix) | Q(region__code__in=ancestor_codes(scope.prefix))
        if scope.station_id:
            from stations.models.stations import Station

            code = Station.objects.filter(pk=scope.station_id).values_list("region__code", flat=True).first()
            return Q(region__code__in=ancestor_codes(code)) if code else None
        return None

    def in_force_on(self, on_date: datetime.date):
        return self.filter(effective_from__lte=on_date).filter(Q(repealed_on__isnull=True) | Q(repealed_on__gt=on_date))


class PolicyDocument(models.Model):
    """A policy document as issued: title, issuer, 文号, date, the region it governs."""

    key = models.SlugField(_("文件标识"), max_length=60, unique=True,
                           help_text=_("文件包中的唯一标识，如 HUBEI-PROV-2021。"))
    title = models.CharField(_("文件名称"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    number = models.CharField(_("文号"), max_length=100, blank=True, help_text=_("文件未印文号时留空。"))
    issued_on = models.DateField(_("印发日期"), null=True, blank=True, help_text=_("文件未印日期时留空。"))
    effective_from = models.DateField(
        _("施行日期"), help_text=_("文件规则开始适用的日期：印发日期，或文件写明的日期。"))
    effective_note = models.CharField(
        _("施行日期说明"), max_length=300, blank=True,
        help_text=_("文件未印日期时，说明施行日期从何而来。"))
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("适用区划"), on_delete=models.PROTECT, related_name="policy_documents",
        null=True, blank=True, help_text=_("文件适用的区划；无法确定时留空，文件中的规则不适用于任何区划。"))
    url = models.URLField(_("链接"), max_length=500, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = PolicyDocumentQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("政策文件历史"))

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["region__code", "effective_from", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(repealed_on__isnull=True) | Q(repealed_on__gt=F("effective_from")),
                                   name="policy_document_repealed_after_effective"),
        ]

    def __str__(self):
        return f"《{self.title}》"

    @property
    def citation_title(self) -> str:
        return f"《{self.title}》（{self.number}）" if self.number else f"《{self.title}》"

    def in_force_on(self, on_date: datetime.date) -> bool:
        return self.effective_from <= on_date and (self.repealed_on is None or self.repealed_on > on_date)

    def clean(self):
        errors = {}
        if self.region_id and LEVEL_ORDER.index(self.region.level) > LEVEL_ORDER.index(RegionLevel.TOWNSHIP):
            errors["region"] = _("政策文件只能适用于省、市、县或乡镇（街道）。")
        if self.repealed_on and self.effective_from and self.repealed_on <= self.effective_from:
            errors["repealed_on"] = _("废止日期须晚于施行日期。")
        if errors:
            raise ValidationError(errors)


class PolicyRuleQuerySet(ScopedQuerySet):
    region_code_path = "document__region__code"

    def scope_q(self, scope: Scope) -> Q | None:
        """A rule is read by whoever reads its document (the same condition, through the foreign
        key, so that a deleted rule's history is scoped the same way)."""
        document_q = PolicyDocument.objects.scope_q(scope)
        return None if document_q is None else _through(document_q, "document")


def _through(condition: Q, relation: str) -> Q:
    """The condition on a related row, restated from the row pointing at it."""
    children = [_through(child, relation) if isinstance(child, Q) else (f"{relation}__{child[0]}", child[1])
                for child in condition.children]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


class PolicyRule(models.Model):
    """One rule a document sets: a registered key, its value, and the clause it comes from."""

    document = models.ForeignKey(PolicyDocument, verbose_name=_("政策文件"), on_delete=models.CASCADE,
                                 related_name="rules")
    key = models.CharField(_("规则"), max_length=60)
    value = models.JSONField(_("规定值"))
    clause = models.CharField(_("条款"), max_length=100, blank=True, help_text=_("如：第三条第（二）项。"))
    quote = models.CharField(_("原文摘录"), max_length=300, blank=True)

    objects = PolicyRuleQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("政策规则历史"))

    class Meta:
        verbose_name = _("政策规则")
        verbose_name_plural = _("政策规则")
        ordering = ["document", "key"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="policy_rule_one_per_document")]

    def __str__(self):
        from stations.rules import rule_spec

        spec = rule_spec(self.key)
        return f"{spec.label if spec else self.key}：{spec.display(self.value) if spec else self.value}"

    def clean(self):
        from stations.rules import rule_spec

        spec = rule_spec(self.key)
        if spec is None:
            raise ValidationError({"key": _("未知的规则“%(key)s”。") % {"key": self.key}})
        try:
            self.value = spec.parse(self.value)
        except ValueError as error:
            # The pack loader's words for the same refusal (stations.packs._check_rules).
            raise ValidationError({"value": f"{spec.label}：{error}"}) from error
