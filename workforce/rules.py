"""The workforce rules a policy document may set (the catalogue in ``stations.rules``).
Registered from ``WorkforceConfig.ready()``; the values come from documents only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.rules import RuleSpec, register_rule
from workforce.models.choices import CertificateLevel, Education, TrainingKind


def _routes():
    return [("degree", _("社会工作专业学历")), ("certificate", _("社会工作者职业资格证书")),
            ("training", _("认可培训学时达标"))]


def _deadline_from():
    return [("hire", _("入职之日")), ("post", _("上岗之日")), ("project", _("项目实施之日"))]


def _levels():
    return [(str(value), label) for value, label in CertificateLevel.choices]


def _education():
    return [(str(value), label) for value, label in Education.choices]


RULES = (
    RuleSpec("qualification.routes", _("取得专业资质的途径"), "choices", "workforce", choices=_routes),
    RuleSpec("qualification.training_hours", _("以培训取得资质所需累计学时"), "decimal", "workforce",
             unit=pgettext_lazy("unit", "学时"), minimum=Decimal(1)),
    RuleSpec("qualification.deadline_years", _("取得专业资质期限（年）"), "int", "workforce", unit=pgettext_lazy("unit", "年"),
             minimum=Decimal(1), maximum=Decimal(10)),
    RuleSpec("qualification.deadline_from", _("资质期限起算"), "choice", "workforce", choices=_deadline_from),
    RuleSpec("training.continuing_hours_per_year", _("每年继续教育学时"), "decimal", "workforce", unit=pgettext_lazy("unit", "学时"),
             minimum=Decimal(1)),
    RuleSpec("training.continuing_kinds", _("计入继续教育的培训类别"), "choices", "workforce",
             choices=lambda: list(TrainingKind.choices)),
    RuleSpec("training.cumulative_hours", _("一线社工累计专业培训学时"), "decimal", "workforce", unit=pgettext_lazy("unit", "学时"),
             minimum=Decimal(1)),
    RuleSpec("hiring.max_age", _("招聘年龄上限（周岁）"), "int", "workforce", unit=pgettext_lazy("unit", "周岁"),
             minimum=Decimal(16), maximum=Decimal(70)),
    RuleSpec("hiring.min_education", _("最低学历"), "choice", "workforce", choices=_education),
    RuleSpec("staffing.min_station_heads", _("每站站长人数"), "int", "workforce", unit=pgettext_lazy("unit", "名"), minimum=Decimal(0)),
    RuleSpec("staffing.min_social_workers", _("每站社工人数（不含站长）"), "int", "workforce", unit=pgettext_lazy("unit", "名"),
             minimum=Decimal(0)),
    RuleSpec("staffing.min_resident_social_workers", _("每站驻站社工至少"), "int", "workforce", unit=pgettext_lazy("unit", "名"),
             minimum=Decimal(0)),
    RuleSpec("staffing.max_resident_social_workers", _("每站驻站社工至多"), "int", "workforce", unit=pgettext_lazy("unit", "名"),
             minimum=Decimal(1)),
    RuleSpec("supervisor.min_level", _("督导最低证书等级"), "choice", "workforce", choices=_levels),
)


def register() -> None:
    for spec in RULES:
        register_rule(spec)
