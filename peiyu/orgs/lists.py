"""The configurable lists' starting entries, from the seeds (PRODUCT.md §2, seed 002 二). Offices
add, rename and retire entries afterwards; codes stay."""

from __future__ import annotations

from typing import Any

FIELDS: list[tuple[str, str]] = [
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
TARGET_GROUPS: list[tuple[str, str]] = [
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


def seed_lists(field_model: Any, group_model: Any) -> None:
    """Create the starting entries that are missing; existing ones are left as offices set them."""
    for model, rows in ((field_model, FIELDS), (group_model, TARGET_GROUPS)):
        for position, (code, name) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"name": name, "position": position})
