"""The starting list of volunteer skills (志愿服务记录办法: 服务技能). Offices add, rename and
retire entries afterwards; codes stay."""

from __future__ import annotations

from typing import Any

SKILLS: list[tuple[str, str]] = [
    ("legal", "法律咨询"),
    ("counselling", "心理疏导"),
    ("medical", "医疗救护"),
    ("elderly_care", "助老服务"),
    ("disability", "助残服务"),
    ("tutoring", "教育辅导"),
    ("arts", "文艺表演"),
    ("mediation", "纠纷调解"),
    ("environment", "环境保护"),
    ("emergency", "应急救援"),
    ("it", "信息技术"),
    ("publicity", "摄影宣传"),
    ("translation", "外语翻译"),
    ("driving", "驾驶"),
    ("community", "社区服务"),
]


def seed_skills(model: Any) -> None:
    for position, (code, name) in enumerate(SKILLS):
        model.objects.get_or_create(code=code, defaults={"name": name, "position": position})
