"""Due dates follow the documents they rest on.

An installment's due date is derived from the payment period in force on its trigger date, a
contract's filing deadline from the filing period in force on its signing date. When a document
setting either period is loaded, corrected, re-dated or removed (a pack, or the admin),
the dates of the purchasers under the document's region are derived again;
a document in force only from a later date leaves earlier triggers as they were. Both count working
days, so when a year's official holiday arrangements are entered or corrected, the dates counted
through that year are derived again too. Connected from ``ProjectsConfig.ready()``.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from projects.rules import FILING_DUE, PAYMENT_DUE
from stations.models import PolicyDocument, PolicyRule
from stations.models.regions import significant_prefix
from stations.signals import holiday_calendar_changed

DATED_KEYS = (PAYMENT_DUE, FILING_DUE)


def _redate(actor, *prefixes: str | None) -> None:
    from projects.services.schedule import filings_redate, installments_redate

    for prefix in sorted({prefix for prefix in prefixes if prefix}):
        installments_redate(actor=actor, prefix=prefix)
        filings_redate(actor=actor, prefix=prefix)


def _document_region(document_id: int | None) -> str | None:
    """The code prefix of the region the document governs (None: no region, or no document)."""
    found = PolicyDocument.objects.filter(pk=document_id, region__isnull=False).values_list(
        "region__code", "region__level").first()
    return significant_prefix(*found) if found else None


def rule_changed(sender, instance: PolicyRule, **kwargs) -> None:
    if instance.key in DATED_KEYS:
        _redate(getattr(instance, "_history_user", None), _document_region(instance.document_id))


def remember_region(sender, instance: PolicyDocument, **kwargs) -> None:
    instance._region_before_save = _document_region(instance.pk) if instance.pk else None


def document_saved(sender, instance: PolicyDocument, **kwargs) -> None:
    if instance.pk and PolicyRule.objects.filter(document=instance, key__in=DATED_KEYS).exists():
        region = instance.region.prefix if instance.region_id else None
        _redate(getattr(instance, "_history_user", None), region, getattr(instance, "_region_before_save", None))


def calendar_changed(sender, actor, years, **kwargs) -> None:
    from projects.services.schedule import filings_redate, installments_redate

    installments_redate(actor=actor, years=years)
    filings_redate(actor=actor, years=years)


def connect() -> None:
    holiday_calendar_changed.connect(calendar_changed, dispatch_uid="projects.holiday_calendar_changed")
    post_save.connect(rule_changed, sender=PolicyRule, dispatch_uid="projects.payment_due_rule_saved")
    post_delete.connect(rule_changed, sender=PolicyRule, dispatch_uid="projects.payment_due_rule_deleted")
    pre_save.connect(remember_region, sender=PolicyDocument, dispatch_uid="projects.document_region_before")
    post_save.connect(document_saved, sender=PolicyDocument, dispatch_uid="projects.payment_due_document_saved")
