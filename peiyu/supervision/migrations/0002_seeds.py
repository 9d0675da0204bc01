"""Seed the on-site checklist and the grade-evaluation indicator sets."""

from django.db import migrations

from peiyu.supervision import seeds


def seed(apps, schema_editor):
    seeds.seed_checklist(apps.get_model("supervision", "ChecklistItem"))
    seeds.seed_indicator_sets(apps.get_model("supervision", "IndicatorSet"), apps.get_model("supervision", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
