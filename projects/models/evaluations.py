"""The evaluation results of contracts, as recorded by the assessments app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.scope import ScopedQuerySet
from projects.models.contracts import Contract


class ContractEvaluationQuerySet(ScopedQuerySet):
    region_code_path = "contract__purchaser__code"


class ContractEvaluation(models.Model):
    """A finalised evaluation result of a contract, as recorded by the assessments app.
    Contracts show their latest result without the projects app knowing evaluations."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="evaluation_results"
    )
    kind = models.CharField(_("评估类型"), max_length=30)
    kind_label = models.CharField(_("评估类型名称"), max_length=50)
    evaluated_on = models.DateField(_("评估完成日期"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=20)
    passed = models.BooleanField(_("是否合格"))
    reference = models.CharField(_("来源"), max_length=100, unique=True,
                                 help_text=_("产生该结果的评估记录，防止重复记录。"))

    objects = ContractEvaluationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("合同评估结果历史"))

    class Meta:
        verbose_name = _("合同评估结果")
        verbose_name_plural = _("合同评估结果")
        ordering = ["contract", "-evaluated_on", "-pk"]

    def __str__(self):
        return f"{self.contract.number} {self.kind_label} {self.grade}"
