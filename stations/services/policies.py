"""Writes for policy documents and their rules typed in by hand (the admin); packs write through
``stations.packs``. A document may be kept only by someone whose scope holds the region it governs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import delete_audited, save_audited
from core.scope import scope_of
from stations.models import PolicyDocument, PolicyRule
from stations.services.stations import ensure_region_in_scope


def ensure_document_in_scope(actor, document: PolicyDocument) -> None:
    """Only a superuser keeps a document whose region could not be determined; anyone else only the
    documents of their region and below."""
    if scope_of(actor).everything:
        return
    if document.region_id is None:
        raise PermissionDenied(_("只有系统管理员可以维护适用区划无法确定的政策文件。"))
    ensure_region_in_scope(actor, document.region)


@transaction.atomic
def policy_document_save(*, actor, document: PolicyDocument) -> PolicyDocument:
    """Create or change a document (validated, audited). Moving a document to another region needs
    both regions in the actor's scope."""
    ensure_document_in_scope(actor, document)
    if document.pk:
        before = PolicyDocument.objects.select_related("region").filter(pk=document.pk).first()
        if before is not None:
            ensure_document_in_scope(actor, before)
    save_audited(document, actor=actor, reason=str(document))
    return document


@transaction.atomic
def policy_rule_save(*, actor, rule: PolicyRule) -> PolicyRule:
    """Create or change one rule of a document; the value is checked against the rule catalogue
    (``PolicyRule.clean``), as a pack's is."""
    ensure_document_in_scope(actor, rule.document)
    save_audited(rule, actor=actor, reason=str(rule.document))
    return rule


@transaction.atomic
def policy_rule_delete(*, actor, rule: PolicyRule) -> None:
    ensure_document_in_scope(actor, rule.document)
    delete_audited(rule, actor=actor, reason=str(rule.document))
