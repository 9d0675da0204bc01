"""Seed the volunteer skills list."""

from django.db import migrations

from peiyu.people import lists


def seed(apps, schema_editor):
    lists.seed_skills(apps.get_model("people", "Skill"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
