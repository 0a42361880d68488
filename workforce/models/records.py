"""A person's professional certificates and training records."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workforce.models.choices import CertificateLevel, TrainingKind
from workforce.models.people import Person, PersonChildQuerySet

# Like ``ID_NUMBER_TAKEN``: one answer, naming no holder, whether or not the user may see them.
CERTIFICATE_NUMBER_TAKEN = _("该证书编号已登记，不能重复登记。请核对证书编号；如编号无误，请联系上级民政部门。")


class Certificate(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="certificates")
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    obtained_on = models.DateField(_("取得日期"))

    objects = PersonChildQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("职业水平证书历史"))

    class Meta:
        verbose_name = _("社会工作者职业水平证书")
        verbose_name_plural = _("社会工作者职业水平证书")
        ordering = ["person", "-level", "obtained_on"]

    def __str__(self):
        return f"{self.get_level_display()} {self.number}"

    def clean(self):
        self.number = (self.number or "").strip().upper()
        if self.obtained_on and self.obtained_on > timezone.localdate():
            raise ValidationError({"obtained_on": _("取得日期不能晚于今天。")})

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("number",):
            return ValidationError(CERTIFICATE_NUMBER_TAKEN, code="unique")
        return super().unique_error_message(model_class, unique_check)


class TrainingRecord(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("培训日期"))
    kind = models.CharField(_("培训类别"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("培训名称"), max_length=120)
    provider = models.CharField(_("培训机构"), max_length=120, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1,
                                validators=[MinValueValidator(Decimal(0), message=_("学时不能为负数。"))])

    objects = PersonChildQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("培训记录历史"))

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["person", "-held_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_non_negative"),
            models.UniqueConstraint(fields=["person", "held_on", "kind", "title"], name="training_unique_session"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}（{self.hours}）"
