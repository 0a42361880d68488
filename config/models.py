"""The one record the composition root keeps itself: a user's second factor, for its audit trail.

The devices (the authenticator app's secret, the recovery codes) are django-otp's; this record
says when the user enrolled, when recovery codes were issued or used and when an administrator
reset it, and its history (django-simple-history) says who did each of those.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SecondFactor(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("已启用")
        RESET = "reset", _("已重置")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="second_factor")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    recovery_codes_issued_at = models.DateTimeField(_("恢复码生成时间"), null=True, blank=True)
    recovery_code_used_at = models.DateTimeField(_("最近使用恢复码时间"), null=True, blank=True)
    reset_at = models.DateTimeField(_("重置时间"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("两步验证记录历史"))

    class Meta:
        verbose_name = _("两步验证")
        verbose_name_plural = _("两步验证")

    def __str__(self):
        return str(self.user)
