"""Starting entries of the supervision app's configurable tables: the on-site checklist and
the grade-evaluation indicator sets. Offices change them afterwards; codes stay.

The indicator sets follow 民政部令第39号 Art. 8 (综合评估 for associations and foundations,
规范化建设评估 for service institutions) with 党建工作 as a first-level indicator worth 100 of
1,000 points as 江苏省's indicator set adds; the point split is a starting point, not a rule
(DOMAIN.md §3: weights vary by province and are configured per set)."""

from __future__ import annotations

from typing import Any

CHECKLIST: list[tuple[str, str]] = [
    ("archives", "档案管理（登记证书、章程、印章、银行账户）"),
    ("minutes", "会议纪要（会员（代表）大会、理事会、监事会）"),
    ("financial_statements", "财务会计报告"),
    ("vouchers", "会计凭证与账簿"),
    ("members", "会员管理与会费收取"),
    ("major_decisions", "重大事项报告与决策程序"),
    ("officials", "党政机关领导干部兼职情况"),
    ("activities", "业务活动是否超出章程范围"),
    ("disclosure", "信息公开"),
    ("party", "党建工作"),
]

# (legal forms, name, [(code, name, points, [(code, name, points)…])…])
INDICATOR_SETS: list[tuple[list[str], str, list[tuple[str, str, int, list[tuple[str, str, int]]]]]] = [
    (
        ["association", "foundation"],
        "社会团体、基金会综合评估指标",
        [
            (
                "basic",
                "基础条件",
                100,
                [("basic.legal", "法人资格", 40), ("basic.registration", "登记与备案", 60)],
            ),
            (
                "governance",
                "内部治理",
                350,
                [("governance.structure", "组织机构", 150), ("governance.finance", "财务管理", 200)],
            ),
            (
                "performance",
                "工作绩效",
                350,
                [("performance.services", "提供服务", 200), ("performance.influence", "社会影响", 150)],
            ),
            (
                "evaluation",
                "社会评价",
                100,
                [("evaluation.members", "内部评价", 50), ("evaluation.public", "外部评价", 50)],
            ),
            ("party", "党建工作", 100, [("party.organization", "党组织建设", 100)]),
        ],
    ),
    (
        ["service_institution"],
        "社会服务机构规范化建设评估指标",
        [
            (
                "basic",
                "基础条件",
                100,
                [("basic.legal", "法人资格", 40), ("basic.registration", "登记与备案", 60)],
            ),
            (
                "governance",
                "内部治理",
                350,
                [("governance.structure", "组织机构", 150), ("governance.finance", "财务管理", 200)],
            ),
            (
                "business",
                "业务活动和诚信建设",
                350,
                [("business.activities", "业务活动", 200), ("business.integrity", "诚信建设", 150)],
            ),
            (
                "evaluation",
                "社会评价",
                100,
                [("evaluation.members", "内部评价", 50), ("evaluation.public", "外部评价", 50)],
            ),
            ("party", "党建工作", 100, [("party.organization", "党组织建设", 100)]),
        ],
    ),
]


def seed_checklist(model: Any) -> None:
    for position, (code, name) in enumerate(CHECKLIST):
        model.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def seed_indicator_sets(set_model: Any, indicator_model: Any) -> None:
    for forms, name, first_level in INDICATOR_SETS:
        indicator_set, created = set_model.objects.get_or_create(name=name, defaults={"legal_forms": forms})
        if not created:
            continue
        for position, (code, label, points, children) in enumerate(first_level):
            parent = indicator_model.objects.create(
                indicator_set=indicator_set, code=code, name=label, points=points, position=position
            )
            for child_position, (child_code, child_label, child_points) in enumerate(children):
                indicator_model.objects.create(
                    indicator_set=indicator_set,
                    parent=parent,
                    code=child_code,
                    name=child_label,
                    points=child_points,
                    position=child_position,
                )
