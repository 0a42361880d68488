"""Purchase rules move from ProcurementPolicy rows to the rules of policy documents.

Each region's ProcurementPolicy row becomes rules of a placeholder document of that region
(the one stations 0009 made for the region's targets, if any), in force from the start, for an
official to replace with the real document. Then the model and its history go.

Due dates of installments were 15 working days after the trigger, a number no document set;
they are derived again from the payment period in force on each trigger date, and an
installment whose region's documents set none has no due date.
"""

import datetime
from decimal import Decimal

from django.db import migrations

from core.dates import add_working_days

LEGACY_NOTE = ("本文件由升级迁移生成：升级前录入的购买服务规则未注明政策文件，"
               "请补录其真实文件（标题、文号、施行日期、条款和原文）后删除本记录。")
PAYMENT_DUE = "payment.due_within_working_days"


def _percent(value: Decimal) -> str:
    """As the rule catalogue stores a percentage: exact text, no trailing zeros on whole numbers."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def legacy_rules(apps, schema_editor):
    ProcurementPolicy = apps.get_model("projects", "ProcurementPolicy")
    PolicyDocument = apps.get_model("stations", "PolicyDocument")
    PolicyRule = apps.get_model("stations", "PolicyRule")
    for policy in ProcurementPolicy.objects.select_related("region"):
        region = policy.region
        values = {}
        if policy.signing_within_days:
            values["contract.signing_within_days"] = int(policy.signing_within_days)
        if policy.assistance_share_max is not None:
            values["fund.assistance_share_max"] = _percent(policy.assistance_share_max)
        if policy.assistance_share_min is not None:
            values["fund.assistance_share_min"] = _percent(policy.assistance_share_min)
        if values.keys() & {"fund.assistance_share_max", "fund.assistance_share_min"} and policy.share_basis:
            values["fund.assistance_share_basis"] = policy.share_basis
        if not values:
            continue
        document, _created = PolicyDocument.objects.get_or_create(
            key=f"legacy-{region.code}",
            defaults={"title": f"{region.name}升级前录入的规则（未注明文件）", "effective_from": datetime.date(2000, 1, 1),
                      "effective_note": "升级迁移生成", "region": region, "note": LEGACY_NOTE})
        for key, value in values.items():
            PolicyRule.objects.update_or_create(document=document, key=key,
                                                defaults={"value": value, "quote": (policy.source or "")[:300]})


def _in_force(document, on_date) -> bool:
    return document.effective_from <= on_date and (document.repealed_on is None or document.repealed_on > on_date)


def derive_due_dates(apps, schema_editor):
    PolicyRule = apps.get_model("stations", "PolicyRule")
    PaymentInstallment = apps.get_model("projects", "PaymentInstallment")
    rules = {}
    for rule in PolicyRule.objects.filter(key=PAYMENT_DUE, document__region__isnull=False).select_related(
            "document__region"):
        rules.setdefault(rule.document.region.code, []).append(rule)
    for found in rules.values():
        found.sort(key=lambda r: (r.document.effective_from, r.document.pk), reverse=True)
    lengths = (2, 4, 6, 9)
    for installment in PaymentInstallment.objects.filter(triggered_on__isnull=False).select_related(
            "contract__purchaser"):
        code, day = installment.contract.purchaser.code, installment.triggered_on
        chain = [code[:n].ljust(12, "0") for n in reversed(lengths)]
        rule = next((r for c in chain for r in rules.get(c, ()) if _in_force(r.document, day)), None)
        due_on = add_working_days(day, int(rule.value)) if rule else None
        if due_on != installment.due_on:
            installment.due_on = due_on
            installment.save(update_fields=["due_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0005_known_organisations"),
        ("stations", "0010_policy_documents_required"),
    ]

    operations = [
        migrations.RunPython(legacy_rules, migrations.RunPython.noop),
        migrations.RunPython(derive_due_dates, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="procurementpolicy",
            name="region",
        ),
        migrations.DeleteModel(
            name="HistoricalProcurementPolicy",
        ),
        migrations.DeleteModel(
            name="ProcurementPolicy",
        ),
    ]
