"""Seed the configurable lists from the seeds (PRODUCT.md §2, seed 002 二) and build the
search index each engine needs (see ``peiyu.orgs.search``)."""

from django.db import migrations

from peiyu.orgs import lists, search

def seed_lists(apps, schema_editor):
    lists.seed_lists(apps.get_model("orgs", "Field"), apps.get_model("orgs", "TargetGroup"))


def create_index(apps, schema_editor):
    statements = search.PG_SCHEMA if schema_editor.connection.vendor == "postgresql" else search.SQLITE_SCHEMA
    for sql in statements:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    statements = search.PG_DROP if schema_editor.connection.vendor == "postgresql" else search.SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.RunPython(seed_lists, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
