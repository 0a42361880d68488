"""Writes for organisations and the figures staff enter for the procurement checks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import apply_changes, delete_audited, save_audited
from projects import permissions
from projects.models import Contract, KnownOrganisation, MinimumWage, Organisation, SocialAssistanceSpending
from projects.services.contracts import ensure_region_in_scope
from stations.models import Region

ORGANISATION_FIELDS = (
    "name", "credit_code", "region", "is_local", "rating", "rating_year", "has_party_organisation",
    "contact_name", "contact_phone",
)


CREDIT_CODE_TAKEN = gettext_lazy("该统一社会信用代码已被登记，不能重复使用。")
REGISTER_ELSEWHERE = gettext_lazy(
    "只能登记登记地在本辖区内的机构。外地机构须由其登记地民政部门登记，登记后可通过“添加外地机构”输入统一社会信用代码和名称选用。")
NOT_YOURS_TO_CHANGE = gettext_lazy("该机构由其登记地民政部门维护，您可以查看和选用，但不能修改或删除。")
NOT_FOUND_ELSEWHERE = gettext_lazy(
    "未找到与该统一社会信用代码和名称相符的已登记机构；外地机构须由其登记地民政部门登记。")


def ensure_credit_code_free(actor, organisation: Organisation) -> None:
    """A credit code already registered is refused in one wording whoever holds it, in sight of the
    actor or not: the answer must not tell whether an organisation out of sight exists, or where."""
    if Organisation.objects.filter(credit_code=organisation.credit_code).exclude(pk=organisation.pk).exists():
        raise ValidationError({"credit_code": str(CREDIT_CODE_TAKEN)})


def ensure_may_register_in(actor, region: Region | None) -> None:
    """An organisation is registered only by the bureau of the region it is registered in."""
    if not permissions.can_add_organisation(actor):
        raise PermissionDenied(_("只有县级民政部门可以进行此操作。"))
    if region is not None and not permissions.can_add_organisation(actor, Organisation(region=region)):
        raise ValidationError({"region": str(REGISTER_ELSEWHERE)})


def ensure_may_change(actor, organisation: Organisation) -> None:
    if not permissions.can_change_organisation(actor, organisation):
        raise PermissionDenied(str(NOT_YOURS_TO_CHANGE))


@transaction.atomic
def organisation_create(*, actor, **data) -> Organisation:
    """Register an organisation in the actor's own region (a county's, or in the admin the
    province's). One registered elsewhere is added with :func:`organisation_add_known` instead."""
    organisation = Organisation(**{key: value for key, value in data.items() if key in ORGANISATION_FIELDS})
    ensure_may_register_in(actor, organisation.region if organisation.region_id else None)
    if not actor.is_superuser:
        organisation.added_in = actor.region
    ensure_credit_code_free(actor, organisation)
    save_audited(organisation, actor=actor, reason=_("登记机构"))
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **data) -> Organisation:
    """Change an organisation: only where it is registered, and it stays registered there (or
    elsewhere in the actor's region)."""
    ensure_may_change(actor, organisation)
    changed = apply_changes(organisation, data, ORGANISATION_FIELDS)
    if "region" in changed:
        ensure_may_register_in(actor, organisation.region)
    if "credit_code" in changed:
        ensure_credit_code_free(actor, organisation)
    if changed:
        save_audited(organisation, actor=actor, update_fields=changed, reason=_("修改机构信息"))
    return organisation


@transaction.atomic
def organisation_add_known(*, actor, credit_code: str, name: str) -> Organisation:
    """Add an organisation registered elsewhere to those the actor's county may see and contract:
    both its credit code and its exact name must match a registered organisation. Anything else
    (no such code, another name) gets one neutral answer, so that guessing tells nothing."""
    if not permissions.can_add_known_organisation(actor):
        raise PermissionDenied(_("只有县级民政部门可以进行此操作。"))
    organisation = Organisation.objects.filter(credit_code=(credit_code or "").strip().upper(),
                                               name=(name or "").strip()).first()
    if organisation is None:
        raise ValidationError(str(NOT_FOUND_ELSEWHERE))
    if not Organisation.objects.visible_to(actor).filter(pk=organisation.pk).exists():
        save_audited(KnownOrganisation(region=actor.region, organisation=organisation, added_by=actor),
                     actor=actor, reason=_("添加外地机构"))
    return organisation


def organisation_delete_blockers(organisation: Organisation) -> list[str]:
    return [f"{c.number} {c.title}" for c in Contract.objects.filter(contractor=organisation).order_by("number")]


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    """Delete an organisation that holds no contracts and has no members; otherwise refuse, naming them.
    Only where it is registered."""
    ensure_may_change(actor, organisation)
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
def minimum_wage_set(*, actor, region: Region, year: int, monthly_amount: Decimal, source: str = "") -> MinimumWage:
    """Enter or correct a region's monthly minimum wage for a year (a county's own, or a city's or
    province's for all its counties), as the published standard gives it."""
    ensure_region_in_scope(actor, region)
    record = MinimumWage.objects.filter(region=region, year=year).first() or MinimumWage(region=region, year=year)
    record.monthly_amount = monthly_amount
    record.source = source
    save_audited(record, actor=actor, reason=_("最低工资标准"))
    return record
