"""Writes for contracts; each takes the acting user, validates every rule before
writing, runs in one transaction and is audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import apply_changes, delete_audited, save_audited
from core.scope import scope_of
from projects import permissions
from projects.models import Contract, ContractEvaluation, FundingLine, FundingSource, Organisation
from projects.selectors.contract_rules import region_split, signing_rule, split_schedule
from projects.selectors.contract_terms import cycle_refusal, renewal_refusal, term_refusal
from projects.selectors.policies import assistance_share, county_of, part_in_year
from projects.services.schedule import (
    apply_schedule,
    percent,
    release_on_taking_effect,
    schedule_rows,
    yuan,
)
from stations.models import Region, Station

CONTRACT_FIELDS = (
    "purchaser", "contractor", "number", "title", "service_domains", "target_groups", "award_notice_on",
    "signed_on", "starts_on", "ends_on", "amount", "personnel_cost", "operations_cost", "other_cost", "monthly_wage",
    "social_workers_per_station", "previous",
    "filed_on", "filing_reference", "renewable", "not_renewable_reason",
)


def require_purchase_manager(actor) -> None:
    """Contracts and payments are written by whoever :func:`can_manage_purchases` allows. (The
    province's corrections in the admin go through ``contract_update``, which asks only the scope.)"""
    if not permissions.can_manage_purchases(actor):
        raise PermissionDenied(_("只有县级民政部门可以进行此操作。"))


def ensure_region_in_scope(actor, region: Region) -> None:
    scope = scope_of(actor)
    if scope.everything:
        return
    if not scope.prefix or not region.code.startswith(scope.prefix):
        raise PermissionDenied(_("该区划不在您的管辖范围内。"))


def ensure_contractor_usable(actor, contractor) -> None:
    """A county contracts the organisations it may see: registered or entered there, or registered
    elsewhere and added by their credit code and name (``organisation_add_known``)."""
    if contractor is not None and not Organisation.objects.visible_to(actor).filter(pk=contractor.pk).exists():
        raise ValidationError({"contractor": _(
            "承接机构须为本辖区登记或已添加的机构；外地机构请先用“添加外地机构”输入其统一社会信用代码和名称。")})


def funding_rows(contract: Contract, lines) -> list[tuple[str, Decimal]]:
    """Validate funding lines ``[{"source", "amount"}]``: known sources, each once,
    adding up exactly to the contract amount."""
    rows = [(line["source"], Decimal(line["amount"])) for line in lines if line.get("amount")]
    if not rows:
        raise ValidationError({"funding_lines": _("请至少填写一项资金来源。")})
    seen = set()
    for source, amount in rows:
        if source not in FundingSource.values:
            raise ValidationError({"funding_lines": _("资金来源“%(s)s”无效。") % {"s": source}})
        if source in seen:
            raise ValidationError({"funding_lines": _("资金来源“%(s)s”填写了两次。") % {
                "s": FundingSource(source).label}})
        if amount <= 0:
            raise ValidationError({"funding_lines": _("资金来源“%(s)s”的金额必须大于 0。") % {
                "s": FundingSource(source).label}})
        seen.add(source)
    total = sum((amount for _source, amount in rows), Decimal("0"))
    if contract.amount is not None and total != contract.amount:
        raise ValidationError({"funding_lines": _(
            "各项资金来源合计 %(sum)s 元，与合同金额 %(amount)s 元不一致（相差 %(diff)s 元）。") % {
            "sum": yuan(total), "amount": yuan(contract.amount), "diff": yuan(contract.amount - total)}})
    return rows


def _check_stations(contract: Contract, stations: list[Station]) -> None:
    outside = [s.name for s in stations if not s.region.code.startswith(contract.purchaser.prefix)]
    if outside:
        raise ValidationError({"stations": _("以下站点不在购买方 %(p)s 辖区内：%(names)s。") % {
            "p": contract.purchaser.name, "names": "、".join(outside)}})
    for station in stations:
        other = (Contract.objects.filter(stations=station).exclude(pk=contract.pk)
                 .overlapping(contract.starts_on, contract.ends_on).order_by("starts_on").first())
        if other:
            raise ValidationError({"stations": _(
                "%(station)s 在 %(start)s 至 %(end)s 已由合同 %(number)s（%(title)s）覆盖，与本合同服务期重叠。") % {
                "station": station.name, "start": other.starts_on, "end": other.ends_on,
                "number": other.number, "title": other.title}})


def _check_renewal(contract: Contract) -> None:
    previous = contract.previous
    if previous is None:
        return
    if not previous.renewable:
        raise ValidationError({"previous": _("上一期合同 %(number)s 已标记为不可续签（%(reason)s），请重新采购。") % {
            "number": previous.number, "reason": previous.not_renewable_reason or _("未注明原因")}})
    if previous.purchaser_id != contract.purchaser_id:
        raise ValidationError({"previous": _("续签合同的购买方须与上一期合同 %(number)s 相同。") % {
            "number": previous.number}})
    if previous.ends_on >= contract.starts_on:
        raise ValidationError({"previous": _("续签合同应在上一期合同 %(number)s 结束（%(date)s）之后开始。") % {
            "number": previous.number, "date": previous.ends_on}})
    taken = Contract.objects.filter(previous=previous).exclude(pk=contract.pk).first()
    if taken:
        raise ValidationError({"previous": _("上一期合同 %(number)s 已续签为 %(other)s。") % {
            "number": previous.number, "other": taken.number}})


def _check_signing(contract: Contract) -> None:
    rule = signing_rule(contract)
    if rule is None or contract.signed_on is None:
        return
    waited = (contract.signed_on - contract.award_notice_on).days
    if waited > rule.value:
        raise ValidationError({"signed_on": _(
            "签订日期距中标（成交）通知已 %(n)s 天，超过 %(region)s 规定的 %(days)s 天（%(citation)s）。") % {
            "n": waited, "days": rule.value, "region": rule.region.name, "citation": rule.citation}})


def _check_terms(contract: Contract) -> None:
    """The term, the cycle and the renewal condition the purchaser's documents set (none where they
    are silent; where no document sets a renewal condition, only ``renewable`` is asked)."""
    errors: dict[str, list[str]] = {}
    if refusal := term_refusal(contract):
        errors.setdefault("ends_on", []).append(refusal)
    if refusal := cycle_refusal(contract):
        errors.setdefault("previous" if contract.previous_id else "ends_on", []).append(refusal)
    if refusal := renewal_refusal(contract):
        errors.setdefault("previous", []).append(refusal)
    if errors:
        raise ValidationError(errors)


def _check_policy(contract: Contract, funding: list[tuple[str, Decimal]]) -> None:
    """The signing period, and the purchase share of every year the contract serves in, each year
    counting the part of the contract's social-assistance funding spent in it."""
    _check_signing(contract)
    county = county_of(contract.purchaser)
    assistance = sum((a for s, a in funding if s == FundingSource.SOCIAL_ASSISTANCE), Decimal("0"))
    if county is None or not assistance:
        return
    for year in range(contract.starts_on.year, contract.ends_on.year + 1):
        on_date = max(contract.starts_on, datetime.date(year, 1, 1))
        share = assistance_share(county=county, year=year, on_date=on_date, exclude_contract_id=contract.pk,
                                 extra=part_in_year(assistance, contract.starts_on, contract.ends_on, year))
        if share.over_cap:
            raise ValidationError({"funding_lines": _(
                "%(county)s %(year)s 年社会救助资金购买服务合计 %(sum)s 元，占 %(basis)s 年社会救助支出 %(spending)s 元的 "
                "%(share)s%%，超过 %(region)s 规定的上限 %(cap)s%%（%(citation)s）。") % {
                "county": county.name, "year": share.year, "sum": yuan(share.purchases), "basis": share.basis_year,
                "spending": yuan(share.spending), "share": share.precise_share,
                "region": share.rules.cap.region.name, "cap": percent(share.cap), "citation": share.rules.citation}})


POLICY_FIELDS = {"purchaser", "award_notice_on", "signed_on", "starts_on", "ends_on", "amount"}
TERM_FIELDS = {"purchaser", "award_notice_on", "starts_on", "ends_on", "previous"}


def _validate(contract: Contract, stations: list[Station], funding_lines, installments, check_policy=True,
              check_terms=True):
    contract.full_clean(validate_unique=False)
    _check_renewal(contract)
    if check_terms:
        _check_terms(contract)
    contract.validate_unique()
    funding = funding_rows(contract, funding_lines)
    if installments is None and contract.pk is None:
        split = region_split(contract)
        installments = split_schedule(split) if split else None
    schedule = schedule_rows(contract.amount, installments)
    _check_stations(contract, stations)
    if check_policy:
        _check_policy(contract, funding)
    return funding, schedule


def _write_funding(*, actor, contract: Contract, funding: list[tuple[str, Decimal]]) -> None:
    existing = {line.source: line for line in contract.funding_lines.all()}
    for source, amount in funding:
        line = existing.pop(source, None) or FundingLine(contract=contract, source=source)
        if line.pk and line.amount == amount:
            continue
        line.amount = amount
        save_audited(line, actor=actor, reason=_("资金来源"))
    for line in existing.values():
        delete_audited(line, actor=actor, reason=_("资金来源删除"))


@transaction.atomic
def contract_create(*, actor, stations=(), funding_lines=(), installments: list[dict] | None = None,
                    **data) -> Contract:
    """Register a contract with its stations, funding lines (adding up to the amount) and payment
    schedule (when none is given: the split the region's documents set, or none yet). A signed
    contract's "on taking effect" installment is released at once, dated the day it takes effect."""
    require_purchase_manager(actor)
    ensure_region_in_scope(actor, data["purchaser"])
    contract = Contract(**{key: value for key, value in data.items() if key in CONTRACT_FIELDS})
    ensure_contractor_usable(actor, data.get("contractor"))
    stations = list(stations)
    funding, schedule = _validate(contract, stations, funding_lines, installments)
    save_audited(contract, actor=actor, reason=_("新建合同"))
    contract.stations.set(stations)
    _write_funding(actor=actor, contract=contract, funding=funding)
    apply_schedule(actor=actor, contract=contract, rows=schedule)
    release_on_taking_effect(actor=actor, contract=contract)
    return contract


@transaction.atomic
def contract_update(*, actor, contract: Contract, stations=None, funding_lines=None,
                    installments: list[dict] | None = None, **data) -> Contract:
    """Change a contract; every rule of :func:`contract_create` is checked again.
    Without new funding lines or schedule the current ones must still fit the amount."""
    if "purchaser" in data:
        ensure_region_in_scope(actor, data["purchaser"])
    changed = apply_changes(contract, data, CONTRACT_FIELDS)
    if set(changed) & set(Contract.COST_FIELDS):
        # A blank category counts as nothing once any is entered (Contract.clean): save all three.
        changed = [*changed, *(name for name in Contract.COST_FIELDS if name not in changed)]
    if "contractor" in changed:
        ensure_contractor_usable(actor, contract.contractor)
    stations = list(contract.stations.all()) if stations is None else list(stations)
    if funding_lines is None:
        funding_lines = [{"source": line.source, "amount": line.amount} for line in contract.funding_lines.all()]
    if installments is None:
        installments = [{"trigger": i.trigger, "percentage": i.percentage}
                        for i in contract.installments.all()] or None
    # The region's rules are checked when what they judge changes, so that correcting a
    # title or a filing date is never blocked by a rule or a spending figure that came later.
    current_funding = {(line.source, line.amount) for line in contract.funding_lines.all()}
    new_funding = {(line["source"], Decimal(line["amount"])) for line in funding_lines if line.get("amount")}
    check_policy = bool(POLICY_FIELDS & set(changed)) or new_funding != current_funding
    funding, schedule = _validate(contract, stations, funding_lines, installments, check_policy=check_policy,
                                  check_terms=bool(TERM_FIELDS & set(changed)))
    if changed:
        save_audited(contract, actor=actor, update_fields=[*changed, "filing_due_on", "updated_at"],
                     reason=_("修改合同"))
    if set(contract.stations.all()) != set(stations):
        contract.stations.set(stations)
    _write_funding(actor=actor, contract=contract, funding=funding)
    apply_schedule(actor=actor, contract=contract, rows=schedule)
    release_on_taking_effect(actor=actor, contract=contract)
    return contract


@transaction.atomic
def contract_record_filing(*, actor, contract: Contract, filed_on: datetime.date, reference: str = "") -> Contract:
    """Record that the contract was filed (备案) with the city."""
    if not permissions.can_record_contract_filing(actor, contract):
        raise PermissionDenied(_("只有县、市民政部门可以登记备案。"))
    contract.filed_on = filed_on
    contract.filing_reference = reference
    save_audited(contract, actor=actor, update_fields=["filed_on", "filing_reference", "filing_due_on", "updated_at"],
                 reason=_("备案"))
    return contract


@transaction.atomic
def contract_mark_not_renewable(*, actor, contract: Contract, reason: str) -> Contract:
    """Record that the contract may not be renewed (e.g. a failed annual evaluation)."""
    if contract.renewable or contract.not_renewable_reason != reason:
        contract.renewable = False
        contract.not_renewable_reason = reason
        save_audited(contract, actor=actor, update_fields=["renewable", "not_renewable_reason", "updated_at"],
                     reason=reason)
    return contract


@transaction.atomic
def contract_record_evaluation(*, actor, contract: Contract, kind: str, kind_label: str, evaluated_on: datetime.date,
                               score: Decimal, grade: str, passed: bool, reference: str) -> ContractEvaluation:
    """Record a finalised evaluation result of a contract. ``reference`` names the
    evaluation it came from; recording the same reference twice returns the first record."""
    existing = ContractEvaluation.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    result = ContractEvaluation(contract=contract, kind=kind, kind_label=kind_label, evaluated_on=evaluated_on,
                                score=score, grade=grade, passed=passed, reference=reference)
    save_audited(result, actor=actor, reason=_("评估结果：%(kind)s %(grade)s") % {"kind": kind_label, "grade": grade})
    return result
