import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

HELP = "发起评估的民政部门：被评估的县（县级评估），或其所属的市、省（抽查）。"


def the_county_started_them(apps, schema_editor):
    """Until now only the evaluated county's staff ran evaluations on the screens: every existing
    evaluation, and every stored version of one, is the county's own."""
    for name in ("Evaluation", "HistoricalEvaluation"):
        apps.get_model("assessments", name).objects.filter(initiating_region__isnull=True).update(
            initiating_region_id=F("county_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0001_templates_evaluations_scores'),
        ('stations', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='evaluation',
            name='initiating_region',
            field=models.ForeignKey(editable=False, help_text=HELP, null=True,
                                    on_delete=django.db.models.deletion.PROTECT,
                                    related_name='initiated_evaluations', to='stations.region',
                                    verbose_name='发起单位'),
        ),
        migrations.AddField(
            model_name='historicalevaluation',
            name='initiating_region',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text=HELP, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                                    to='stations.region', verbose_name='发起单位'),
        ),
        migrations.AlterField(
            model_name='evaluation',
            name='evaluator',
            field=models.ForeignKey(blank=True, help_text='留空则由发起评估的民政部门自行评分。', null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name='evaluations',
                                    to='projects.organisation', verbose_name='评估机构'),
        ),
        migrations.AlterField(
            model_name='historicalevaluation',
            name='evaluator',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='留空则由发起评估的民政部门自行评分。',
                                    null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                                    to='projects.organisation', verbose_name='评估机构'),
        ),
        migrations.RunPython(the_county_started_them, migrations.RunPython.noop),
    ]
