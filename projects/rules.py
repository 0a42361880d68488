"""The purchase-of-service rules a policy document may set (the catalogue in ``stations.rules``).
Registered from ``ProjectsConfig.ready()``; the values come from documents only."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.rules import RuleSpec, register_rule

SIGNING_WITHIN_DAYS = "contract.signing_within_days"
SHARE_MAX = "fund.assistance_share_max"
SHARE_MIN = "fund.assistance_share_min"
SHARE_BASIS = "fund.assistance_share_basis"
INSTALLMENTS = "payment.installments"
PAYMENT_DUE = "payment.due_within_working_days"
FILING_DUE = "contract.filing_within_working_days"

BASIS_LAST_YEAR = "last_year"
BASIS_THIS_YEAR = "this_year"


def _share_basis():
    return [(BASIS_LAST_YEAR, _("上年度社会救助资金支出")), (BASIS_THIS_YEAR, _("本年度社会救助专项资金支出"))]


def _renewal():
    return [("annual_pass", _("年度评估合格后续签"))]


def _triggers():
    from projects.models import InstallmentTrigger

    return list(InstallmentTrigger.choices)


RULES = (
    RuleSpec(SIGNING_WITHIN_DAYS, _("中标（成交）后签订合同期限"), "int", "projects", unit=pgettext_lazy("unit", "日"),
             minimum=Decimal(1)),
    RuleSpec("contract.filing_within_working_days", _("签订后报备期限"), "int", "projects", unit=pgettext_lazy("unit", "个工作日"),
             minimum=Decimal(1)),
    RuleSpec("contract.setup_within_months", _("签订后完成站点配置期限"), "int", "projects", unit=pgettext_lazy("unit", "个月"),
             minimum=Decimal(1)),
    RuleSpec("contract.max_term_months", _("单份合同期限上限"), "int", "projects", unit=pgettext_lazy("unit", "个月"),
             minimum=Decimal(1)),
    RuleSpec("contract.max_term_months_fixed", _("内容固定、预算有保障的合同期限上限"), "int", "projects",
             unit=pgettext_lazy("unit", "个月"), minimum=Decimal(1)),
    RuleSpec("contract.cycle_years", _("项目服务周期"), "int", "projects", unit=pgettext_lazy("unit", "年"), minimum=Decimal(1)),
    RuleSpec("contract.renewal_condition", _("续签条件"), "choice", "projects", choices=_renewal),
    RuleSpec(SHARE_MAX, _("社会救助资金购买服务占比上限"), "percent", "projects"),
    RuleSpec(SHARE_MIN, _("社会救助资金购买服务占比下限"), "percent", "projects"),
    RuleSpec(SHARE_BASIS, _("占比计算基数"), "choice", "projects", choices=_share_basis),
    RuleSpec(INSTALLMENTS, _("付款分期"), "installments", "projects", schedule_triggers=_triggers),
    RuleSpec(PAYMENT_DUE, _("支付条件达成后付款期限"), "int", "projects",
             unit=pgettext_lazy("unit", "个工作日"), minimum=Decimal(1)),
    RuleSpec("cost.personnel_min_pct", _("人员费用占项目经费比例下限"), "percent", "projects"),
    RuleSpec("wage.min_wage_uplift_pct", _("社工工资高于当地最低工资标准"), "percent", "projects"),
    RuleSpec("subsidy.city_per_station_min", _("市级对每个社工站项目补助下限"), "decimal", "projects",
             unit=pgettext_lazy("unit", "元"), minimum=Decimal(0)),
    RuleSpec("reward.city_annual_min", _("市级每年奖补资金下限"), "decimal", "projects", unit=pgettext_lazy("unit", "元"),
             minimum=Decimal(0)),
)


def register() -> None:
    for spec in RULES:
        register_rule(spec)
