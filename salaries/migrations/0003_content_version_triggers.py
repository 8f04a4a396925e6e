"""Every write to the wage data bumps the content version (careers.triggers); Release's own
data_version, bumped by imports and read by nothing, goes."""

from django.db import migrations

from careers.triggers import content_version_trigger

TABLES = ["salaries_area", "salaries_release", "salaries_wageestimate"]


class Migration(migrations.Migration):
    dependencies = [
        ("careers", "0006_content_version_if_changed"),
        ("salaries", "0002_wage_estimate_fewer_indexes"),
    ]

    operations = [
        *(content_version_trigger(table) for table in TABLES),
        migrations.RemoveField(model_name="release", name="data_version"),
    ]
