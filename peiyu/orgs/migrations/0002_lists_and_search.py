"""Seed the configurable lists from the seeds (PRODUCT.md §2, seed 002 二) and build the
search index each engine needs (see ``peiyu.orgs.search``)."""

from django.db import migrations

from peiyu.orgs import search

FIELDS = [
    ("mental_health", "心理健康"),
    ("rehabilitation", "矫治安帮"),
    ("legal_aid", "法律援助"),
    ("dispute", "矛盾纠纷"),
    ("safety", "平安建设"),
    ("legal_education", "法治宣传"),
    ("resident_service", "为民服务"),
    ("charity", "公益慈善"),
    ("mutual_aid", "邻里互助"),
    ("culture_sports", "文体娱乐"),
    ("rural_technology", "农村生产技术服务"),
    ("elderly_care", "养老服务"),
    ("youth", "青少年服务"),
    ("environment", "环境保护"),
    ("volunteering", "志愿服务"),
]
TARGET_GROUPS = [
    ("elderly", "老年人"),
    ("women", "妇女"),
    ("children", "儿童"),
    ("disabled", "残疾人"),
    ("unemployed", "失业人员"),
    ("migrant_workers", "农民工"),
    ("children_of_detained", "服刑人员未成年子女"),
    ("poor_families", "困难家庭"),
    ("mental_illness", "严重精神障碍患者"),
    ("at_risk_youth", "有不良行为青少年"),
    ("community_corrections", "社区矫正人员"),
    ("released_prisoners", "刑满释放人员"),
    ("drug_rehabilitation", "戒毒康复人员"),
    ("residents", "社区居民"),
    ("enterprises", "企业"),
]


def seed_lists(apps, schema_editor):
    for model_name, rows in (("Field", FIELDS), ("TargetGroup", TARGET_GROUPS)):
        model = apps.get_model("orgs", model_name)
        for position, (code, name) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"name": name, "position": position})


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
