import datetime
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

LEGACY_NOTE = ("本文件由升级迁移生成：升级前录入的社工人才规则和补贴标准未关联政策文件，"
               "请改为关联其真实文件后删除本记录。")


def _decimal_text(value) -> str:
    value = Decimal(value)
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _rules_of(policy) -> dict:
    """The fields of a region's workforce policy that a registered rule key names, as that key
    stores them; a value the rule would refuse (zero hours) is left out."""
    rules = {
        "qualification.deadline_years": policy.qualification_deadline_years,
        "hiring.max_age": policy.max_hiring_age,
        "hiring.min_education": str(policy.min_education),
        "supervisor.min_level": str(policy.supervisor_min_level),
    }
    if policy.qualification_training_hours and policy.qualification_training_hours >= 1:
        rules["qualification.training_hours"] = _decimal_text(policy.qualification_training_hours)
    if policy.continuing_education_hours and policy.continuing_education_hours >= 1:
        rules["training.continuing_hours_per_year"] = _decimal_text(policy.continuing_education_hours)
    if policy.staffing_mode == "resident_workers":
        rules["staffing.min_resident_social_workers"] = policy.min_resident_social_workers
    else:
        rules["staffing.min_station_heads"] = policy.min_station_heads
        rules["staffing.min_social_workers"] = policy.min_social_workers
    return rules


def rules_from_documents(apps, schema_editor):
    """The rules and stipend rates entered before documents existed keep working: each region's
    are attached to the region's placeholder document (the one stations' upgrade made for its
    targets, or a new one with the same key), in force from the start, for an official to
    replace with the real document."""
    WorkforcePolicy = apps.get_model("workforce", "WorkforcePolicy")
    StipendPolicy = apps.get_model("workforce", "StipendPolicy")
    PolicyDocument = apps.get_model("stations", "PolicyDocument")
    PolicyRule = apps.get_model("stations", "PolicyRule")
    documents = {}

    def document_for(region):
        if region.pk not in documents:
            documents[region.pk], _created = PolicyDocument.objects.get_or_create(
                key=f"legacy-{region.code}", defaults={
                    "title": f"{region.name}升级前录入的规则（未注明文件）", "effective_from": datetime.date(2000, 1, 1),
                    "effective_note": "升级迁移生成", "region": region, "note": LEGACY_NOTE})
        return documents[region.pk]

    for policy in WorkforcePolicy.objects.select_related("region"):
        document = document_for(policy.region)
        for key, value in _rules_of(policy).items():
            PolicyRule.objects.get_or_create(document=document, key=key,
                                             defaults={"value": value, "quote": (policy.source or "")[:300]})
    for rate in StipendPolicy.objects.select_related("region"):
        rate.document = document_for(rate.region)
        rate.quote = (rate.source or "")[:300]
        rate.save(update_fields=["document", "quote"])


class Migration(migrations.Migration):

    dependencies = [
        ("stations", "0010_policy_documents_required"),
        ("workforce", "0005_placements"),
    ]

    operations = [
        migrations.AddField(
            model_name="stipendpolicy",
            name="document",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="stipends",
                                    to="stations.policydocument", verbose_name="政策文件"),
        ),
        migrations.AddField(
            model_name="historicalstipendpolicy",
            name="document",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="stations.policydocument", verbose_name="政策文件"),
        ),
        migrations.AddField(
            model_name="stipendpolicy",
            name="clause",
            field=models.CharField(blank=True, help_text="如：第三条第（二）项。", max_length=100, verbose_name="条款"),
        ),
        migrations.AddField(
            model_name="historicalstipendpolicy",
            name="clause",
            field=models.CharField(blank=True, help_text="如：第三条第（二）项。", max_length=100, verbose_name="条款"),
        ),
        migrations.AddField(
            model_name="stipendpolicy",
            name="quote",
            field=models.CharField(blank=True, max_length=300, verbose_name="原文摘录"),
        ),
        migrations.AddField(
            model_name="historicalstipendpolicy",
            name="quote",
            field=models.CharField(blank=True, max_length=300, verbose_name="原文摘录"),
        ),
        migrations.RunPython(rules_from_documents, migrations.RunPython.noop),
    ]
