"""The records the composition root keeps itself: a user's second factor (for its audit trail)
and the reminders users are sent.

SecondFactor: the devices (the authenticator app's secret, the recovery codes) are django-otp's;
this record says when the user enrolled, when recovery codes were issued or used and when an
administrator reset it, and its history (django-simple-history) says who did each of those.
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


class Notification(models.Model):
    """A reminder shown under the bell in the header (and e-mailed where the user has an address
    and e-mail is configured): one per user, thing reminded of (``key``) and day."""

    class Kind(models.TextChoices):
        REPORT_DEADLINE = "report_deadline", _("月报截止")
        REPORT_COMPLETENESS = "report_completeness", _("月报完成情况")
        QUALIFICATION_DEADLINE = "qualification_deadline", _("持证期限")
        INSTALLMENT_DUE = "installment_due", _("合同付款到期")
        CONTRACT_ENDING = "contract_ending", _("合同到期")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("提醒事项"), max_length=120)  # the thing reminded of, e.g. "report:12:2026-11"
    day = models.DateField(_("提醒日期"))
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-day", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "day"], name="notification_once_a_day")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title
