import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every evaluation has the bureau that started it (0002 filled in the existing ones). A
    migration of its own: PostgreSQL will not alter a table whose rows the same transaction
    has just updated."""

    dependencies = [
        ('assessments', '0002_evaluation_initiating_region'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evaluation',
            name='initiating_region',
            field=models.ForeignKey(editable=False, help_text='发起评估的民政部门：被评估的县（县级评估），或其所属的市、省（抽查）。',
                                    on_delete=django.db.models.deletion.PROTECT, related_name='initiated_evaluations', to='stations.region',
                                    verbose_name='发起单位'),
        ),
    ]
