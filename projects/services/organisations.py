"""Writes for organisations and the figures staff enter for the procurement checks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import apply_changes, delete_audited, save_audited
from projects.models import Contract, Organisation, ProcurementPolicy, SocialAssistanceSpending
from projects.services.contracts import ensure_region_in_scope
from stations.models import Region

ORGANISATION_FIELDS = (
    "name", "credit_code", "region", "is_local", "rating", "rating_year", "has_party_organisation",
    "contact_name", "contact_phone",
)


def ensure_credit_code_free(actor, organisation: Organisation) -> None:
    """A credit code already registered: name the clash only when the actor may see that organisation,
    so that the answer reveals nothing outside the actor's scope."""
    clash = Organisation.objects.filter(credit_code=organisation.credit_code).exclude(pk=organisation.pk).first()
    if clash is None:
        return
    if Organisation.objects.visible_to(actor).filter(pk=clash.pk).exists():
        raise ValidationError({"credit_code": _("已有机构使用该统一社会信用代码。")})
    raise ValidationError({"credit_code": _("无法使用该统一社会信用代码，请联系上级民政部门。")})


@transaction.atomic
def organisation_create(*, actor, **data) -> Organisation:
    """Register an organisation. It stays visible to the entering bureau's region
    (``added_in``) even when it is registered elsewhere (an imported organisation)."""
    organisation = Organisation(**{key: value for key, value in data.items() if key in ORGANISATION_FIELDS})
    if not actor.is_superuser:
        organisation.added_in = actor.region
    ensure_credit_code_free(actor, organisation)
    save_audited(organisation, actor=actor, reason=_("登记机构"))
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **data) -> Organisation:
    changed = apply_changes(organisation, data, ORGANISATION_FIELDS)
    if "credit_code" in changed:
        ensure_credit_code_free(actor, organisation)
    if changed:
        save_audited(organisation, actor=actor, update_fields=changed, reason=_("修改机构信息"))
    return organisation


def organisation_delete_blockers(organisation: Organisation) -> list[str]:
    return [f"{c.number} {c.title}" for c in Contract.objects.filter(contractor=organisation).order_by("number")]


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    """Delete an organisation that holds no contracts and has no members; otherwise refuse, naming them."""
    blockers = organisation_delete_blockers(organisation)
    if blockers:
        raise ValidationError(_("机构“%(name)s”承接了以下合同，不能删除：%(contracts)s。") % {
            "name": organisation.name, "contracts": "；".join(blockers)})
    if organisation.members.exists():
        raise ValidationError(_("机构“%(name)s”还有关联的评估人员账号，不能删除。") % {"name": organisation.name})
    delete_audited(organisation, actor=actor, reason=_("删除机构"))


@transaction.atomic
def spending_set(*, actor, region: Region, year: int, amount: Decimal, source: str = "") -> SocialAssistanceSpending:
    """Enter or correct a county's social-assistance spending for a year."""
    ensure_region_in_scope(actor, region)
    record = SocialAssistanceSpending.objects.filter(region=region, year=year).first()
    if record is None:
        record = SocialAssistanceSpending(region=region, year=year)
    record.amount = amount
    record.source = source
    save_audited(record, actor=actor, reason=_("社会救助支出"))
    return record


@transaction.atomic
def policy_save(*, actor, policy: ProcurementPolicy) -> ProcurementPolicy:
    """Create or change a region's procurement rules; only within the actor's own region."""
    ensure_region_in_scope(actor, policy.region)
    save_audited(policy, actor=actor, reason=_("购买服务规则"))
    return policy
