"""The enumerations of the workforce registry and its rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.IntegerChoices):
    """Ordered: a higher value is a higher level, so limits compare as numbers."""

    JUNIOR_HIGH = 1, _("初中及以下")
    SENIOR_HIGH = 2, _("高中（中专）")
    ASSOCIATE = 3, _("大专")
    BACHELOR = 4, _("本科")
    MASTER = 5, _("硕士研究生")
    DOCTOR = 6, _("博士研究生")


class CertificateLevel(models.IntegerChoices):
    JUNIOR = 1, _("助理社会工作师（初级）")
    INTERMEDIATE = 2, _("社会工作师（中级）")
    SENIOR = 3, _("高级社会工作师（高级）")


class EmploymentRole(models.TextChoices):
    STATION_HEAD = "station_head", _("站长")
    RESIDENT = "resident", _("驻站社工")
    PROJECT = "project", _("项目社工")
    SUPERVISOR = "supervisor", _("督导")
    CENTRE_STAFF = "centre_staff", _("指导中心工作人员")
    OTHER = "other", _("其他")


# Roles that do social work and so fall under the qualification and continuing-education rules.
FRONTLINE_ROLES = (EmploymentRole.STATION_HEAD, EmploymentRole.RESIDENT, EmploymentRole.PROJECT,
                   EmploymentRole.SUPERVISOR)
SOCIAL_WORKER_ROLES = (EmploymentRole.RESIDENT, EmploymentRole.PROJECT)


class TrainingKind(models.TextChoices):
    PRE_SERVICE = "pre_service", _("岗前培训")
    CONTINUING = "continuing", _("继续教育")
    SUPERVISION = "supervision", _("督导")
    EXAM_PREP = "exam_prep", _("考前辅导")
    PRACTICE = "practice", _("实务实习")


# "Recognised professional training" towards qualification: structured professional
# training only. Exam coaching and practice placements do not count.
RECOGNISED_TRAINING_KINDS = (TrainingKind.PRE_SERVICE, TrainingKind.CONTINUING, TrainingKind.SUPERVISION)
# Hours that count towards the yearly continuing-education requirement where the document in
# force does not say which kinds count (``training.continuing_kinds``).
CONTINUING_EDUCATION_KINDS = (TrainingKind.CONTINUING, TrainingKind.SUPERVISION)


class StipendKind(models.TextChoices):
    MONTHLY_BY_LEVEL = "monthly_level", _("持证津贴（按月，按证书等级）")
    MONTHLY_POST = "monthly_post", _("岗位补贴（按月，按证书等级）")
    ONE_OFF_AWARD = "one_off_award", _("取证一次性奖励（按等级）")


MONTHLY_STIPEND_KINDS = (StipendKind.MONTHLY_BY_LEVEL, StipendKind.MONTHLY_POST)


class DisclosureKind(models.TextChoices):
    PAGE = "page", _("页面显示")
    EXPORT = "export", _("导出")
