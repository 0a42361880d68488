"""The one record shared plumbing keeps: a job a user started (:mod:`core.jobs`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of long work a user started (an import, a large export, a workbook), run by a worker
    or, with no broker configured, inside the request. Shown to its user under 我的任务.

    A job is applied at most once: its runner's writes commit in the same transaction that marks it
    done (``core.jobs``), so a job run again after its worker was lost starts from the beginning
    and a second run of a finished job changes nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE,
                             related_name="jobs")
    kind = models.CharField(_("类型"), max_length=40)  # a runner's key in core.jobs
    title = models.CharField(_("任务"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已完成行数"), default=0)
    input_file = models.CharField(_("上传文件"), max_length=300, blank=True)  # a name in the default storage
    result_file = models.CharField(_("结果文件"), max_length=300, blank=True)  # a name in the default storage
    result_name = models.CharField(_("结果文件名"), max_length=200, blank=True)  # the download's file name
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)  # shown to the user as it is: their language, no internals
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_created")]

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Generation(models.Model):
    """A counter that moves after every committed write to the data a family of cached figures is
    computed from (:mod:`core.figures`). Cached figures are keyed by it, so a write makes them
    unreachable at once on every server, whatever cache each server has."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return f"{self.name} {self.value}"
