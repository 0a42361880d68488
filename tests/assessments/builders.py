"""Builders for assessment tests: templates, contracts with installments, evaluators."""

from __future__ import annotations

import datetime
from decimal import Decimal

from assessments import services
from assessments.models import Dimension, EvaluationKind, EvaluationTemplate, Indicator
from core.audit import save_audited
from projects.demo import credit_code
from projects.models import Contract, InstallmentTrigger, Organisation, OrganisationMember, PaymentInstallment
from stations.models import Role
from tests import builders

D = Decimal

# (dimension, weight, [(indicator, max score)])
SIMPLE_LAYOUT = [
    ("行政监管", D("20"), [("制度建设", D("10")), ("台账规范", D("10"))]),
    ("服务成效", D("40"), [("服务人次", D("20")), ("个案质量", D("20"))]),
    ("项目管理", D("25"), [("人员管理", D("15")), ("财务管理", D("10"))]),
    ("社会影响", D("15"), [("满意度", D("100"))]),
]


def template(province, kind=EvaluationKind.MIDTERM, *, layout=SIMPLE_LAYOUT, publish=True, actor=None,
             name=None, **bands) -> EvaluationTemplate:
    actor = actor or builders.superuser()
    tpl = EvaluationTemplate(province=province, kind=kind, name=name or f"{province.name}{kind}模板", **bands)
    save_audited(tpl, actor=actor)
    for order, (dim_name, weight, indicators) in enumerate(layout):
        dim = Dimension(template=tpl, name=dim_name, weight=weight, order=order)
        save_audited(dim, actor=actor)
        for i_order, (ind_name, max_score) in enumerate(indicators):
            save_audited(Indicator(dimension=dim, name=ind_name, max_score=max_score, order=i_order,
                                   guidance=f"{ind_name}的评分说明"), actor=actor)
    if publish:
        tpl = services.template_publish(actor=actor, template=tpl)
    return tpl


_serial = iter(range(1, 10_000))


def organisation(region, name=None) -> Organisation:
    n = next(_serial)
    org = Organisation(name=name or f"测试机构{n}", credit_code=credit_code(f"52420500MJH{n:06d}"), region=region)
    save_audited(org, actor=builders.superuser())
    return org


def evaluator(username, org, region=None):
    user = builders.user(username, Role.EVALUATOR, region or org.region)
    OrganisationMember.objects.create(user=user, organisation=org)
    return user


DEFAULT_AMOUNT = D("300000.00")
DEFAULT_SCHEDULE = ((InstallmentTrigger.EFFECTIVE, D("50")), (InstallmentTrigger.MIDTERM_PASSED, D("30")),
                    (InstallmentTrigger.FINAL_PASSED, D("20")))
FULL = D("1")


def contract(county, *, number=None, amount=DEFAULT_AMOUNT, schedule=DEFAULT_SCHEDULE):
    actor = builders.superuser()
    n = next(_serial)
    obj = Contract(purchaser=county, contractor=organisation(county), number=number or f"HT-{n:04d}",
                   title=f"{county.name}社工站项目{n}", starts_on=datetime.date(2025, 1, 1),
                   ends_on=datetime.date(2025, 12, 31), amount=amount)
    save_audited(obj, actor=actor)
    for seq, (trigger, pct) in enumerate(schedule, start=1):
        save_audited(PaymentInstallment(contract=obj, sequence=seq, trigger=trigger, percentage=pct,
                                        amount=(amount * pct / 100).quantize(D("0.01"))), actor=actor)
    return obj


def full_scores(tpl, fraction=FULL) -> dict:
    """Every indicator scored at ``fraction`` of its maximum."""
    return {i.pk: ((i.max_score * fraction).quantize(D("0.01")), "")
            for i in Indicator.objects.filter(dimension__template=tpl)}
