import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every stipend rate now belongs to a document (0006 attached the older ones to their
    region's placeholder document); the per-region workforce policy is gone, its values being
    policy rules of those documents."""

    dependencies = [
        ("stations", "0010_policy_documents_required"),
        ("workforce", "0006_rules_from_policy_documents"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="stipendpolicy", name="stipend_unique_start"),
        migrations.RemoveField(model_name="historicalstipendpolicy", name="source"),
        migrations.RemoveField(model_name="stipendpolicy", name="source"),
        migrations.AlterField(
            model_name="stipendpolicy",
            name="document",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="stipends",
                                    to="stations.policydocument", verbose_name="政策文件"),
        ),
        migrations.AlterField(
            model_name="historicalstipendpolicy",
            name="effective_from",
            field=models.DateField(blank=True, help_text="留空时为政策文件的施行日期。", verbose_name="生效日期"),
        ),
        migrations.AlterField(
            model_name="stipendpolicy",
            name="effective_from",
            field=models.DateField(blank=True, help_text="留空时为政策文件的施行日期。", verbose_name="生效日期"),
        ),
        migrations.AlterField(
            model_name="historicalstipendpolicy",
            name="region",
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="政策文件的适用区划；留空时按文件填写。",
                                    null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="stations.region", verbose_name="适用区划"),
        ),
        migrations.AlterField(
            model_name="stipendpolicy",
            name="region",
            field=models.ForeignKey(blank=True, help_text="政策文件的适用区划；留空时按文件填写。",
                                    on_delete=django.db.models.deletion.PROTECT, related_name="stipend_policies",
                                    to="stations.region", verbose_name="适用区划"),
        ),
        migrations.AddConstraint(
            model_name="stipendpolicy",
            constraint=models.UniqueConstraint(fields=("document", "kind", "level", "effective_from"),
                                               name="stipend_unique_document_start"),
        ),
        migrations.DeleteModel(name="HistoricalWorkforcePolicy"),
        migrations.DeleteModel(name="WorkforcePolicy"),
    ]
