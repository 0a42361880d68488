"""What a monthly report records its services by, its statuses, and the filing deadline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import next_month

DEFAULT_DEADLINE_DAY = 5  # the 5th of the following month, Asia/Shanghai


class ServiceDomain(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助")
    ELDERLY_CARE = "elderly_care", _("养老服务")
    CHILD_WELFARE = "child_welfare", _("儿童福利")
    COMMUNITY_GOVERNANCE = "community_governance", _("社区治理")
    SOCIAL_AFFAIRS = "social_affairs", _("社会事务")
    OTHER = "other", _("其他")


class TargetGroup(models.TextChoices):
    DIBAO = "dibao", _("低保对象")
    TEKUN = "tekun", _("特困人员")
    TEMPORARY_ASSISTANCE = "temporary_assistance", _("临时救助对象")
    ELDERLY_IN_DIFFICULTY = "elderly", _("困难老人")
    SEVERELY_DISABLED = "disabled", _("重度残疾人")
    CHILDREN_IN_DIFFICULTY = "children", _("留守/困境儿童")
    ORPHANS = "orphans", _("孤儿/事实无人抚养儿童")
    VAGRANTS = "vagrants", _("流浪乞讨人员")
    LEFT_BEHIND_WOMEN = "women", _("留守妇女")
    RELOCATED = "relocated", _("易地搬迁群众")
    GENERAL = "general", _("其他居民")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核通过")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


APPROVED_LOCKED = _("已审核通过的报告不能修改或删除；如需更正，请由县级民政部门在报告页面填写原因后重新打开。")


class ApprovedReportLocked(ValidationError):
    """A write that would change an approved report (or its lines) by any path other than reopening it."""

    def __init__(self):
        super().__init__(APPROVED_LOCKED, code="approved_locked")


def deadline_for(period: datetime.date, day: int = DEFAULT_DEADLINE_DAY) -> datetime.date:
    """The filing deadline of a month: day ``day`` of the following month."""
    return next_month(period).replace(day=day)
