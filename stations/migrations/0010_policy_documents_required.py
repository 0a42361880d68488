import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("stations", "0009_policy_documents")]

    operations = [
        migrations.AlterField(
            model_name="target",
            name="document",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="targets",
                                    to="stations.policydocument", verbose_name="政策文件"),
        ),
        migrations.AlterField(
            model_name="standardchecklist",
            name="document",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="checklists",
                                    to="stations.policydocument", verbose_name="政策文件"),
        ),
    ]
