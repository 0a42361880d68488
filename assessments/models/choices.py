"""The kinds of evaluation, the grades and a template's statuses."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal("100")


CENT = Decimal("0.01")


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 90.00 → "90", 12.50 → "12.5"."""
    return format(value.normalize(), "f")


class EvaluationKind(models.TextChoices):
    STATION_ACCEPTANCE = "station_acceptance", _("站点验收")
    MIDTERM = "midterm", _("中期评估")
    FINAL = "final", _("终期评估")
    ANNUAL = "annual", _("年度评估")
    SPOT_CHECK = "spot_check", _("抽查")
    THIRD_PARTY = "third_party", _("第三方评估")


# Which kinds evaluate a station, which a contract; spot checks and third-party may do either.
STATION_KINDS = {EvaluationKind.STATION_ACCEPTANCE}


CONTRACT_KINDS = {EvaluationKind.MIDTERM, EvaluationKind.FINAL, EvaluationKind.ANNUAL}


class EvaluationOrigin(models.TextChoices):
    """Which civil-affairs bureau started an evaluation, named by its region's level: the county's
    own evaluation, or a spot check (抽查) of the county by its city or its province."""

    COUNTY = "county", _("县级评估")
    CITY = "city", _("市级抽查")
    PROVINCE = "province", _("省级抽查")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class PublishedTemplateError(ValidationError):
    """A published template (or its dimensions/indicators) cannot be changed."""
