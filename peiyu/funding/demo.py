"""Demo data for funding in 溧阳市 (320481), on the registry, people, supervision and incubation
demos (seed 000 五(二), seed 004):

* residents' needs from the villages and communities of several towns, raised on the portal or
  reported by village workers over the last two years: two merged into the need they repeat,
  some answered directly, one declined, most taken up by the procurement catalog, the newest
  still waiting for the office;
* the procurement catalog of each year, built from those needs (矛盾纠纷调解服务, 社区矫正对象帮扶,
  青少年法治教育, 老年人法律服务, 法治文化作品创作; then the next year's items), and the project
  library: projects the office wrote from the catalog and projects the 人民调解协会 (the
  organization demo account) proposed, one of them declined;
* the finished venture-philanthropy round of last year (of the year before until September:
  ``finished_year``), funded as in seed 004 by a 2,000,000-yuan special fund and 600,000 yuan of
  welfare lottery funds: 26 applications (three not eligible, each with its reasons; one
  withdrawn), panels of three experts drawn from the pool with conflicts avoided (one expert
  declared a conflict the records did not show and was replaced), the experts' scores, the
  defense, the selection of 19 projects that spends the budget to the yuan, the public notice
  with one objection answered, and 19 three-party contracts supervised by the 溧阳市社会组织孵化中心
  (the county's hub). The first tranches were paid on signing; the mid-term evaluations released
  the second, except for one project whose evaluation failed and whose payments are held; the
  projects that have ended passed their final evaluation, most were paid in full and their
  results published, three wait for the last payment; three eighteen-month projects are still
  being delivered. The 人民调解协会 reported every quarter; beneficiaries answered the
  satisfaction form; the needs behind the catalog were answered with the projects serving them;
* this year's round, its applications closed three weeks ago, under review with panels of five:
  four of twelve applications not eligible (grade, legal form, annual inspection), panels
  drawn, about two-thirds of the experts declared and scored, the rest not yet: the expert demo
  account has reviews waiting for its declaration;
* per-case mediation subsidies (调解个案补贴) of the last four months, raised by the towns and the
  county, most paid, one cancelled.

Every step goes through the funding services, each with the clock set back to its day, in the
order things happened. The rounds draw from the pool's experts that have an account to score
with: the seven the supervision demo gave one (the expert demo account among them). Everything
is drawn from a seeded generator; ``build`` does nothing once the demo exists."""

from __future__ import annotations

import contextlib
import datetime
import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from random import Random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.funding.models import (
    Aggregation,
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    CaseSubsidy,
    CaseSubsidyStatus,
    CatalogItem,
    CatalogStatus,
    Contract,
    LastProjectRule,
    Need,
    NeedSource,
    Origin,
    Project,
    Round,
    Stage,
    Tranche,
    TrancheStatus,
)
from peiyu.funding.services import (
    applications,
    catalog,
    contracts,
    needs,
    review,
    rounds,
    selection,
    subsidies,
)
from peiyu.incubation import demo as incubation_demo
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.demo import MARKER, DemoDataError, _clock, short_name
from peiyu.orgs.models import Field, LegalForm, Organization, TargetGroup
from peiyu.people import demo as people_demo
from peiyu.people.models import Expert
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Region
from peiyu.supervision import demo as supervision_demo

COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
SEED = 20150116  # seed 004: the first venture round's contracts were signed that January
ROUND_TITLE = "{year}年度溧阳市社会组织公益创投"
SUPERVISOR = "溧阳市社会组织孵化中心"  # the hub supervising the projects (seed 004: 乐仁公益发展中心)
EVALUATOR = "江苏众益社会组织评估中心"  # the third-party evaluator
SPECIAL_FUND = ("special", "溧阳市社会组织发展专项资金", Decimal(2_000_000))
LOTTERY_FUND = ("lottery", "福彩公益金", Decimal(600_000))
SELECTED = 19  # seed 004: 19 projects 入围公益创投
MAX_REQUEST = Decimal(150_000)
# The pool's experts (by position in the people demo's list) with accounts to score with, given
# by the supervision demo; the expert demo account is the first.
POOL_WITH_ACCOUNTS = (0, 4, 6, 15, 16, 23, 24)
WITHDRAWN_REASON = "团队骨干外出务工，无法保证项目按期实施，申请撤回。"
RECUSAL_NOTE = "本人曾为该机构开展项目督导，存在利益关联，申请回避。"
OBJECTION = (
    "我单位申报的“掌上法律顾问”项目评审得分较高却未获立项，请说明理由并复核评分。",
    "经复核，专家评审和现场答辩计分无误。按本轮评审规则，项目按最终得分排序在预算内依次立项，"
    "前19个项目已用完全部预算，贵单位项目排名第21位，因预算不足未获资助，维持原评审结果。"
    "欢迎参加下一年度申报。",
)

ANCHORS = {
    "需求分析与服务对象": {
        "1": "未说明服务需求，服务对象不明确",
        "2": "需求描述笼统，缺少调查依据",
        "3": "需求基本清楚，服务对象较明确",
        "4": "有调研数据支撑，服务对象明确",
        "5": "需求迫切且论证充分，与群众需求清单高度契合",
    },
    "项目设计与创新性": {
        "1": "目标和活动不对应",
        "2": "设计简单，可操作性弱",
        "3": "设计合理，活动可行",
        "4": "逻辑清晰，有一定创新",
        "5": "逻辑严密，方法专业，具有示范推广价值",
    },
    "执行能力与团队": {
        "1": "无专职人员，无相关经验",
        "2": "人员不足，经验较少",
        "3": "有基本团队和相关经验",
        "4": "团队专业，执行过同类项目",
        "5": "团队专业稳定，同类项目成效显著",
    },
    "预算合理性": {
        "1": "预算与活动脱节",
        "2": "部分支出依据不足",
        "3": "预算基本合理",
        "4": "预算合理，测算清楚",
        "5": "预算精细合理，自筹和配套资金充足",
    },
    "预期成效与可持续性": {
        "1": "成效目标缺失",
        "2": "目标难以衡量",
        "3": "目标可衡量，基本可实现",
        "4": "指标具体，成效可期",
        "5": "成效显著可测，项目结束后可持续运作",
    },
}
RUBRIC = [
    ("需求分析与服务对象", 20),
    ("项目设计与创新性", 25),
    ("执行能力与团队", 20),
    ("预算合理性", 15),
    ("预期成效与可持续性", 20),
]
CALL_TEXT = (
    "为培育发展公益类社会组织，满足群众多样化服务需求，{year}年度溧阳市社会组织公益创投统筹社会组织发展专项资金"
    "200万元和福彩公益金60万元，面向全市社会组织征集公益服务项目，重点支持矛盾纠纷调解、社区矫正和安置帮教、"
    "青少年法治教育、老年人法律服务、法治文化建设等领域，兼顾“微公益”草根项目。每个项目资助金额不超过15万元，"
    "执行期一般为一年。项目经资格审查、专家评审、现场答辩、公示后确定，由民政局、承接组织和项目监管方签订三方协议，"
    "资金按50%、30%、20%分三期拨付，中期评估不合格的停止拨付。"
)
NEXT_CALL_TEXT = (
    "{year}年度溧阳市社会组织公益创投继续统筹社会组织发展专项资金和福彩公益金，面向全市依法登记、"
    "等级评估2A级及以上的社会组织征集项目，优先支持列入{year}年度政府购买服务目录的服务事项。"
    "每个项目资助金额不超过15万元，执行期一年。"
)

# (category, item, share of the request, how it is worked out); the last line takes the rest.
BUDGET_LINES = [
    ("personnel", "项目人员劳务", Decimal("0.35"), "专职社工及项目人员劳务补贴"),
    ("activities", "活动开展费用", Decimal("0.35"), "场地、交通、活动物资"),
    ("materials", "宣传材料印制", Decimal("0.15"), "宣传册、展板、台账印制"),
    ("training", "培训与专家督导", Decimal("0.10"), "专家授课和督导费用"),
    ("administration", "项目管理费", Decimal("0.05"), "通讯、财务管理"),
]
# (output, indicator, target, unit) by field of the application.
OUTPUTS: dict[str, list[tuple[str, str, int, str]]] = {
    "dispute": [("排查化解矛盾纠纷", "调解成功件数", 60, "件"), ("开展调解员培训", "培训场次", 6, "场")],
    "rehabilitation": [("开展个案帮扶", "帮扶对象人数", 30, "人"), ("组织小组活动", "活动场次", 12, "场")],
    "legal_education": [("开展法治宣讲", "宣讲场次", 24, "场"), ("覆盖村（社区）", "村（社区）数", 20, "个")],
    "legal_aid": [("提供法律咨询", "咨询人次", 400, "人次"), ("代写法律文书", "文书件数", 50, "件")],
    "youth": [("开展法治课堂", "课时", 40, "课时"), ("结对关爱青少年", "结对人数", 30, "人")],
    "mental_health": [("心理评估与疏导", "服务人次", 120, "人次"), ("开展团体辅导", "活动场次", 10, "场")],
    "volunteering": [("培训法治志愿者", "培训人数", 200, "人"), ("开展志愿服务", "服务时长", 3000, "小时")],
    "culture_sports": [("创作法治文艺作品", "作品件数", 30, "件"), ("举办展演巡展", "展演场次", 8, "场")],
}


@dataclass(frozen=True)
class Proposal:
    """An application to one of the demo's rounds and how the experts see it."""

    organization: str
    title: str
    field: str
    groups: str
    summary: str
    requested: int
    quality: float  # the share of full marks the experts give it, about
    item: str = ""  # the catalog item's number it delivers
    project: str = ""  # the library project it takes up
    beneficiaries: int = 300


P = Proposal
# fmt: off
FINISHED: list[Proposal] = [
    # The nineteen selected: their requests add up to the 2,600,000 yuan of the budget.
    P(MARKER, "“老娘舅”调解员能力提升计划", "dispute", "residents",
      "面向全市村（社区）人民调解员开展分级培训、案例研讨和疑难纠纷会商，建立“老娘舅”调解骨干库。",
      150_000, 0.91, project="人民调解员能力提升计划", beneficiaries=600),
    P("溧阳市社区矫正协会", "社区矫正对象“新起点”帮扶计划", "rehabilitation", "community_corrections",
      "为在册社区矫正对象提供教育学习、就业指导和家庭关系修复服务，降低重新违法风险。", 150_000, 0.88, item="01-2"),
    P("溧阳市法治宣传教育协会", "法律明白人“百村千户”宣讲行动", "legal_education", "residents",
      "培训村（社区）法律明白人，组织其入户开展民法典、反电诈等专题宣讲。", 140_000, 0.84),
    P("溧阳市法治文化创作社", "溧阳法治文化作品创作与巡展", "culture_sports", "residents",
      "征集创作法治书画、诗词、微视频和曲艺作品，在各镇（街道）巡回展演。", 120_000, 0.82, item="01-5",
      project="溧阳法治文化作品创作与巡展"),
    P("溧阳市书法家协会", "翰墨润法治：法治书法进村居", "culture_sports", "residents",
      "组织书法家书写法治格言、家规家训，在村（社区）举办法治书法展和现场书写活动。", 100_000, 0.79),
    P("溧阳市少儿书法协会", "小手写法治：少儿法治书法课堂", "youth", "children",
      "在中小学开设法治书法课堂，以书写法治名言为载体开展青少年法治启蒙。", 100_000, 0.80),
    P("溧阳市志愿者协会", "法治志愿服务队伍培育计划", "volunteering", "residents",
      "招募培训法治志愿者，组建镇级法治志愿服务分队，常态化开展普法和调解协助。", 140_000, 0.83),
    P("溧阳市老龄协会", "银龄法律服务站", "legal_aid", "elderly",
      "在老年活动中心设立法律服务站，为老年人提供赡养、继承、防诈骗法律咨询。", 140_000, 0.86, item="01-4",
      beneficiaries=800),
    P("溧阳市退（离）休教师协会", "“五老”护苗：青少年法治辅导", "youth", "children at_risk_youth",
      "组织退休教师担任学校法治辅导员，对有不良行为青少年开展结对帮教。", 140_000, 0.85, item="01-3"),
    P("溧阳市心桥心理咨询服务中心", "心桥护航：社区矫正对象心理矫治", "mental_health", "community_corrections",
      "为社区矫正对象开展心理测评、个体咨询和团体辅导，建立心理健康档案。", 150_000, 0.87),
    P("溧阳市阳光社会工作服务中心", "阳光驿站：刑满释放人员社会适应帮扶", "rehabilitation", "released_prisoners",
      "为刑满释放人员提供过渡安置、技能培训和就业推荐，开展家庭支持服务。", 150_000, 0.89, item="01-2"),
    P("溧阳市春晖青少年关爱服务中心", "春晖伴成长：服刑人员未成年子女关爱", "youth", "children_of_detained",
      "为服刑人员未成年子女提供学业辅导、心理陪伴和监护支持，链接社会资源结对帮扶。", 150_000, 0.90),
    P("溧阳市巾帼维权服务中心", "巾帼护家：婚姻家庭纠纷调解与反家暴援助", "dispute", "women children",
      "调解婚姻家庭纠纷，为家暴受害妇女提供法律咨询、庇护转介和心理支持。", 150_000, 0.86, item="01-1"),
    P("溧阳市禁毒社会工作服务中心", "无毒社区同行计划", "rehabilitation", "drug_rehabilitation",
      "为社区戒毒社区康复人员提供个案管理、同伴教育和就业帮扶，开展禁毒宣传进社区。", 150_000, 0.84),
    P("溧阳市网络普法联盟", "云上普法：短视频法治课堂", "legal_education", "residents",
      "制作发布以案释法短视频，在政务新媒体和短视频平台开设法治课堂。", 120_000, 0.81),
    P("溧阳市12348法律服务志愿者协会", "12348热线志愿值守与疑难解答", "legal_aid", "residents",
      "组织律师和法律工作者志愿值守12348热线，对疑难咨询提供跟进解答。", 140_000, 0.83, beneficiaries=1500),
    P("溧阳市上兴镇乡贤调解服务中心", "乡贤说事：矛盾纠纷就地化解", "dispute", "residents",
      "组织乡贤参与村级矛盾纠纷排查调处，推广“乡贤说事会”做法。", 150_000, 0.85, item="01-1",
      project="“老娘舅”矛盾纠纷调解进村居"),
    P("戴埠镇法律服务团", "山区村法律服务“最后一公里”", "legal_aid", "residents elderly",
      "组织法律服务团成员定期走访山区村，提供上门法律咨询和代写文书服务。", 130_000, 0.80),
    P("天目湖镇法律服务团", "茶乡民宿经营纠纷调解", "dispute", "residents enterprises",
      "针对景区民宿和茶园经营中的租赁、用工和消费纠纷开展调解和法律宣传。", 130_000, 0.79),
    # Eligible, scored, not selected: below the pass mark, or no budget left.
    P("溧阳市天目湖诗社", "诗说民法典", "legal_education", "residents",
      "创作民法典主题诗词，组织吟诵会。", 80_000, 0.52),
    P("溧阳市法律服务网络联盟", "掌上法律顾问：村（社区）在线法律咨询", "legal_aid", "residents",
      "依托网络平台为村（社区）居民提供在线法律咨询和视频调解。", 100_000, 0.69),
    P("社渚镇法律服务团", "外出务工人员法律维权服务", "legal_aid", "migrant_workers",
      "为外出务工人员提供劳动合同审查、欠薪维权咨询和法律援助转介。", 90_000, 0.67),
    # Not eligible, each for its own reasons.
    P("溧阳市和顺婚姻家庭调解服务中心", "婚姻家庭辅导进社区", "dispute", "women residents",
      "开展婚前辅导和婚姻家庭矛盾调解。", 100_000, 0.7),
    P("溧阳市法律援助基金会", "困难群众法律援助资助计划", "legal_aid", "poor_families migrant_workers",
      "资助困难群众和农民工法律援助案件。", 200_000, 0.7),
    P("天目湖镇茶乡法律服务社", "茶乡少年法治夏令营", "youth", "children",
      "暑期组织茶乡留守儿童开展法治夏令营。", 30_000, 0.7, item="01-3"),
    # Withdrawn before the review.
    P("别桥镇法律服务团", "“老娘舅”调解进村组", "dispute", "residents", "组织老党员、老干部调解村组纠纷。", 60_000, 0.7),
]
UNDER_REVIEW: list[Proposal] = [
    P(MARKER, "调解员“以案释法”巡讲", "dispute", "residents",
      "组织金牌调解员结合典型案例到村（社区）巡讲，提升群众依法解决纠纷的意识。", 150_000, 0.9,
      project="调解员“以案释法”巡讲"),
    P("溧阳市老龄协会", "老年人防诈骗“守护钱袋子”行动", "legal_aid", "elderly",
      "开展老年人防范电信网络诈骗宣传和法律咨询。", 120_000, 0.8, beneficiaries=1000),
    P("溧阳市退（离）休教师协会", "法治副校长助手：校园欺凌预防", "youth", "children",
      "协助学校开展预防校园欺凌法治教育和个案干预。", 130_000, 0.8),
    P("溧阳市心桥心理咨询服务中心", "矫正对象家庭心理支持", "mental_health", "community_corrections",
      "为社区矫正对象家庭提供心理支持和亲子关系辅导。", 140_000, 0.8),
    P("溧阳市春晖青少年关爱服务中心", "春晖伴成长（二期）", "youth", "children_of_detained",
      "延续服刑人员未成年子女关爱服务，增加暑期陪伴营。", 150_000, 0.8),
    P("溧阳市巾帼维权服务中心", "婚姻家庭纠纷调解室建设", "dispute", "women",
      "在镇（街道）设立婚姻家庭纠纷调解室，开展调解和家庭教育指导。", 150_000, 0.8, item="02-1"),
    P("溧阳市法律援助基金会", "农民工讨薪法律援助", "legal_aid", "migrant_workers",
      "资助农民工欠薪案件的法律援助和调解。", 120_000, 0.8),
    P("溧阳市网络普法联盟", "以案释法短视频（整改提升）", "legal_education", "residents",
      "按中期评估意见整改后继续制作以案释法短视频。", 100_000, 0.7),
    P("溧阳市阳光社会工作服务中心", "阳光驿站（二期）", "rehabilitation", "released_prisoners",
      "延续刑满释放人员社会适应帮扶。", 150_000, 0.8),
    P("溧阳市禁毒社会工作服务中心", "社区戒毒康复同伴教育", "rehabilitation", "drug_rehabilitation",
      "培养同伴辅导员，开展社区戒毒康复人员同伴教育。", 140_000, 0.8, item="02-2"),
    P("溧阳市和睦家事调解服务中心", "家事调解进社区", "dispute", "women residents",
      "在社区开展家事纠纷调解和家庭关系辅导。", 100_000, 0.8),
    P("戴埠镇法律服务团", "山区村法律服务（二期）", "legal_aid", "residents", "继续走访山区村提供法律服务。", 80_000, 0.8),
]
# fmt: on
FAILS_MID_TERM = "云上普法：短视频法治课堂"
RECUSED_ON = "春晖伴成长：服刑人员未成年子女关爱"  # an expert on its panel declares a conflict
OBJECTED = "掌上法律顾问：村（社区）在线法律咨询"  # its applicant objects to the results
EIGHTEEN_MONTHS = ("心桥护航：社区矫正对象心理矫治", "春晖伴成长：服刑人员未成年子女关爱", "无毒社区同行计划")
FINAL_UNPAID = ("翰墨润法治：法治书法进村居", "银龄法律服务站", "乡贤说事：矛盾纠纷就地化解")


@dataclass(frozen=True)
class NeedSpec:
    """A need: where, what, who raised it, and what became of it."""

    key: str
    town: str
    village: int | None  # position among the town's villages and communities; None: the whole town
    field: str
    group: str
    title: str
    description: str
    source: str  # portal, village (a village worker), desk (the village demo account)
    fate: str = ""  # "merge:<key>", "answer:<text>", "decline:<text>"; linked ones are taken up


N = NeedSpec
# fmt: off
# Needs behind the finished round's catalog, raised in the autumn and winter before it.
EARLY_NEEDS: list[NeedSpec] = [
    N("wills", "戴埠镇", None, "legal_aid", "elderly", "老年人遗嘱继承法律咨询",
      "村里不少老人想立遗嘱、办理赡养协议，不知道找谁咨询，希望有律师定期上门。", "desk"),
    N("wills-2", "戴埠镇", None, "legal_aid", "elderly", "老人想立遗嘱不知道找谁",
      "我父亲想立遗嘱，村里没有懂法律的人，希望能安排律师进村。", "portal", "merge:wills"),
    N("homestead", "天目湖镇", 2, "dispute", "residents", "宅基地和山林边界纠纷多",
      "近年来宅基地翻建和山林确权引发的边界纠纷增多，村调委会人手不够。", "village"),
    N("corrections", "溧城街道", 4, "rehabilitation", "community_corrections", "社区矫正对象就业难",
      "辖区几名社区矫正对象找工作屡屡碰壁，希望有社会组织帮助就业和技能培训。", "village"),
    N("youth-online", "昆仑街道", 3, "legal_education", "children", "青少年网络安全法治教育",
      "孩子沉迷网络游戏、网络交友，家长希望学校和社区多开展网络安全法治教育。", "portal"),
    N("anti-fraud", "昆仑街道", 6, "legal_education", "elderly", "老年人防诈骗宣传",
      "小区里好几位老人被“保健品”“养老投资”骗了钱，希望多来社区宣传防诈骗。", "portal"),
    N("domestic", "上兴镇", 5, "dispute", "women", "婚姻家庭矛盾调解",
      "村里婚姻家庭矛盾不少，有的闹到动手，希望有专业的人来调解和帮助。", "village"),
    N("released", "别桥镇", 7, "rehabilitation", "released_prisoners", "刑满释放人员回村后缺少帮扶",
      "刑满释放人员回村后找不到事做，家里人也不理解，需要有人帮扶。", "village"),
    N("culture", "社渚镇", None, "culture_sports", "residents", "希望村里多些法治文艺活动",
      "法治宣传光发传单没人看，希望用戏曲、书画等群众喜欢的形式来宣传。", "portal"),
    N("school-bullying", "溧城街道", 9, "legal_education", "children", "校园欺凌预防教育",
      "孩子在学校被同学欺负，希望学校和社区加强预防校园欺凌的法治教育。", "portal"),
    N("streetlight", "竹箦镇", 3, "resident_service", "residents", "村道路灯损坏",
      "村口到集镇的路灯坏了好几盏，晚上出行不安全。", "portal",
      "answer:已转竹箦镇建设部门，路灯已于本周修复。路灯维护不属于政府购买社会组织服务事项。"),
]
# Needs behind this year's catalog, raised since.
LATER_NEEDS: list[NeedSpec] = [
    N("marriage", "南渡镇", 4, "dispute", "women", "婚姻家庭纠纷调解室",
      "镇里离婚纠纷和家庭矛盾多，希望设立婚姻家庭纠纷调解室。", "village"),
    N("marriage-2", "南渡镇", 4, "dispute", "women", "家庭矛盾调解",
      "希望有专门调解家庭矛盾的地方。", "portal", "merge:marriage"),
    N("drugs", "溧城街道", 12, "rehabilitation", "drug_rehabilitation", "社区戒毒康复人员帮扶",
      "社区戒毒康复人员复吸风险高，需要长期跟踪和同伴支持。", "village"),
    N("wage", "上黄镇", 2, "legal_aid", "migrant_workers", "农民工讨薪法律援助",
      "在工地干活被拖欠工资，不知道怎么维权，希望有免费的法律帮助。", "portal"),
    N("square-dance", "埭头镇", 1, "culture_sports", "residents", "广场舞噪音扰民",
      "晚上广场舞音响声音太大，影响休息。", "portal",
      "answer:已转埭头镇综治中心，由村委会协调广场舞队调低音量、调整活动时间。"),
    N("clinic", "古县街道", 2, "resident_service", "elderly", "希望社区增设卫生室", "社区老人多，看病要走很远。",
      "portal", "decline:医疗卫生设施建设不属于社会组织服务购买范围，已将意见转卫生健康部门。"),
]
# Needs of the last weeks, waiting for the office.
RECENT_NEEDS: list[NeedSpec] = [
    N("tea-labour", "天目湖镇", 5, "legal_education", "migrant_workers", "采茶季用工法律知识",
      "采茶季外地采茶工多，用工纠纷时有发生，希望宣传劳动用工法律知识。", "village"),
    N("left-behind", "社渚镇", 6, "youth", "children", "留守儿童暑期托管和安全教育",
      "村里留守儿童多，暑假没人看管，希望有托管和安全、法治教育。", "portal"),
    N("neighbours", "戴埠镇", None, "dispute", "residents", "邻里噪音和漏水纠纷",
      "老小区楼上楼下漏水、噪音纠纷多，希望社区有调解员。", "desk"),
    N("disabled", "别桥镇", 11, "legal_aid", "disabled", "残疾人法律援助",
      "残疾人家庭维权难，希望有律师提供帮助。", "portal"),
]
# fmt: on


@dataclass(frozen=True)
class ItemSpec:
    code: str  # "<year position>-<number>": 01 the finished round's year, 02 the round under review's
    title: str
    field: str
    scope: str
    requirements: str
    budget: tuple[int, int]
    needs: tuple[str, ...]
    publish: bool = True


# fmt: off
ITEMS: list[ItemSpec] = [
    ItemSpec("01-1", "矛盾纠纷调解服务", "dispute", "村（社区）矛盾纠纷排查化解，婚姻家庭、邻里、宅基地等纠纷调解。",
             "配备专职调解员；建立调解台账；调解成功率不低于90%；重大纠纷24小时内报告。", (80_000, 150_000),
             ("homestead", "domestic")),
    ItemSpec("01-2", "社区矫正对象帮扶", "rehabilitation", "社区矫正对象和刑满释放人员的教育帮扶、就业指导和社会适应服务。",
             "由持证社会工作者提供个案服务；与司法所建立对接机制；服务对象信息严格保密。", (80_000, 150_000),
             ("corrections", "released")),
    ItemSpec("01-3", "青少年法治教育", "legal_education", "中小学生和有不良行为青少年的法治教育、网络安全教育和预防欺凌教育。",
             "课程经教育部门审核；每校每学期不少于4课时；建立结对帮教档案。", (50_000, 150_000),
             ("youth-online", "school-bullying")),
    ItemSpec("01-4", "老年人法律服务", "legal_aid", "老年人赡养、继承、防诈骗法律咨询和代写文书服务。",
             "由执业律师或基层法律服务工作者提供服务；每村（社区）每季度不少于1次上门服务。", (50_000, 150_000),
             ("wills", "anti-fraud")),
    ItemSpec("01-5", "法治文化作品创作", "culture_sports", "法治书画、诗词、微视频、曲艺等法治文化作品的创作和展演。",
             "作品内容经司法局审核；全年巡展不少于8场；作品版权可无偿用于公益宣传。", (30_000, 120_000),
             ("culture",)),
    ItemSpec("02-1", "婚姻家庭纠纷调解服务", "dispute", "镇（街道）婚姻家庭纠纷调解室的运营和家庭教育指导。",
             "调解员须经婚姻家庭调解专题培训；调解协议书规范；回访率100%。", (80_000, 150_000), ("marriage",)),
    ItemSpec("02-2", "社区戒毒康复帮扶", "rehabilitation", "社区戒毒社区康复人员的个案管理、同伴教育和就业帮扶。",
             "由持证禁毒社工提供服务；按季度开展尿检配合和风险评估。", (80_000, 150_000), ("drugs",)),
    ItemSpec("02-3", "农民工法律援助服务", "legal_aid", "农民工欠薪、工伤等劳动争议的法律咨询、调解和援助转介。",
             "与法律援助中心建立转介机制；欠薪案件3个工作日内响应。", (50_000, 120_000), ("wage",), publish=False),
]
# (catalog item, title, summary, budget): projects the office writes from its catalog.
TOP_DOWN = [
    ("01-5", "溧阳法治文化作品创作与巡展", "围绕民法典和乡村振兴主题，创作并巡展法治文化作品。", 120_000),
    ("01-1", "“老娘舅”矛盾纠纷调解进村居", "组织德高望重的“老娘舅”在村（社区）就地调解矛盾纠纷。", 150_000),
    ("02-2", "社区戒毒康复“同伴教育”", "培养戒毒康复同伴辅导员，开展同伴支持小组。", 140_000),
]
# (title, field, summary, budget, accepted or the reason it was declined, year position): the
# 人民调解协会's own proposals.
BOTTOM_UP = [
    ("人民调解员能力提升计划", "dispute", "分级培训村（社区）人民调解员，建立疑难纠纷会商机制。", 150_000, "", 1),
    ("调解协会办公设备购置", "dispute", "购置协会办公电脑、打印机和会议设备。", 60_000,
     "办公设备购置不属于公益服务项目，不纳入项目库；可通过协会自有资金解决。", 1),
    ("调解员“以案释法”巡讲", "dispute", "组织金牌调解员结合典型案例进村（社区）巡讲。", 150_000, "", 2),
]
# fmt: on

# Per-case mediation subsidies: (town, days ago, dispute); the committee of a village of the town
# handled it, or the town's personal mediation room where it has one.
CASES = [
    ("戴埠镇", 118, "邻里宅基地边界纠纷"), ("戴埠镇", 97, "山林承包合同纠纷"), ("戴埠镇", 61, "赡养老人纠纷"),
    ("戴埠镇", 33, "邻里漏水纠纷"), ("戴埠镇", 9, "土地流转租金纠纷"),
    ("天目湖镇", 110, "民宿租赁合同纠纷"), ("天目湖镇", 84, "采茶工工资纠纷"), ("天目湖镇", 47, "婚姻家庭纠纷"),
    ("天目湖镇", 12, "相邻通行纠纷"),
    ("上兴镇", 102, "征地补偿分配纠纷"), ("上兴镇", 58, "邻里噪音纠纷"), ("上兴镇", 20, "宅基地翻建纠纷"),
    ("别桥镇", 93, "家庭财产分割纠纷"), ("别桥镇", 40, "养殖污染纠纷"),
    ("社渚镇", 76, "劳务报酬纠纷"), ("社渚镇", 26, "婚姻家庭纠纷"),
    ("昆仑街道", 66, "物业服务纠纷"), ("昆仑街道", 15, "楼道堆物纠纷"),
]  # fmt: skip
DIFFICULT_CASE = "征地补偿分配纠纷"  # a difficult case, subsidized at 500 yuan
CANCELLED_CASE = ("邻里噪音纠纷", "与本镇已登记的同一纠纷重复录入，已按原案件发放补贴。")

Story = Iterator[datetime.date]  # a story yields the day of its next step


def finished_year(today: datetime.date) -> int:
    """The finished round's year: its projects ended by the summer after it, so the round of
    last year once September has come, of the year before until then."""
    return today.year - 1 if today >= datetime.date(today.year, 9, 1) else today.year - 2


def build() -> dict[str, int]:
    """Build the funding demo of 溧阳市 once (on the other demos); return the counts."""
    supervision_demo.build()
    incubation_demo.build()
    users = {account.username: user for account, user in accounts_demo.build()}
    if not Round.objects.filter(region_id=COUNTY_CODE).exists():
        # Notes, answers and reasons are stored as written: in the offices' language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users).build()
    return counts()


def counts() -> dict[str, int]:
    funding_rounds = Round.objects.filter(region_id=COUNTY_CODE)
    contracts_ = Contract.objects.filter(application__round__in=funding_rounds)
    paid = Tranche.objects.filter(contract__in=contracts_, status=TrancheStatus.PAID)
    cases = CaseSubsidy.objects.filter(region__code__startswith=DEMO_COUNTY).exclude(
        status=CaseSubsidyStatus.CANCELLED
    )
    return {
        "needs": Need.objects.filter(region__code__startswith=DEMO_COUNTY).count(),
        "items": CatalogItem.objects.filter(region_id=COUNTY_CODE).count(),
        "projects": Project.objects.filter(region__code__startswith=DEMO_COUNTY).in_library().count(),
        "rounds": funding_rounds.count(),
        "applications": Application.objects.filter(round__in=funding_rounds).count(),
        "contracts": contracts_.count(),
        "awarded": int(contracts_.aggregate(total=Sum("amount"))["total"] or 0),
        "paid": int(paid.aggregate(total=Sum("amount"))["total"] or 0),
        "reviews_waiting": Assignment.objects.filter(
            application__round__in=funding_rounds, status__in=[AssignmentStatus.DRAWN, AssignmentStatus.OPEN]
        ).count(),
        "cases": cases.count(),
        "cases_paid": cases.filter(status=CaseSubsidyStatus.PAID).count(),
    }


class _Demo:
    def __init__(self, users: dict[str, User]) -> None:
        self.rng = Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.officer = users["county"]
        self.town_officers = {user.region_id: user for user in (users["daibu"], users["tianmuhu"])}
        self.village_worker = users["village"]
        self.org_account = users["org"]
        self.expert_account = users["expert"]
        self.tz = timezone.get_current_timezone()
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.last_moment = self.now - datetime.timedelta(days=3650)
        self.year = finished_year(self.today)  # the finished round's
        self.next_year = self.today.year  # the round under review's
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.towns = {t.name: t for t in Region.objects.children_of(self.county)}
        self.fields = {f.code: f for f in Field.objects.all()}
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        names = {p.organization for p in (*FINISHED, *UNDER_REVIEW)} | {SUPERVISOR}
        self.organizations = {o.name: o for o in Organization.objects.filter(name__in=names)}
        missing = names - set(self.organizations)
        if missing:
            raise DemoDataError(f"not in the registry demo: {', '.join(sorted(missing))}")
        self.needs: dict[str, Need] = {}
        self.items: dict[str, CatalogItem] = {}
        self.projects: dict[str, Project] = {}
        self.vouchers = 0
        self.criteria: dict[int, list[int]] = {}
        self.cases: list[tuple[datetime.date, int, str]] = []

    # -- values ---------------------------------------------------------------------------------

    def day(self, year_position: int, month: int, day: int) -> datetime.date:
        """A day of the finished round's year (1), the year after it (2), or the year before (0)."""
        return datetime.date(self.year + year_position - 1, month, day)

    def item_year(self, code: str) -> int:
        return self.year if code.startswith("01") else self.next_year

    def village(self, town: str, position: int | None) -> Region:
        place = self.towns[town]
        if position is None:
            return place
        villages = list(Region.objects.children_of(place))
        return villages[position % len(villages)]

    def phone(self) -> str:
        return f"{self.rng.choice(orgs_demo.MOBILE_PREFIXES)}0000{self.rng.randrange(10_000):04d}"

    def person(self) -> str:
        return self.rng.choice(orgs_demo.SURNAMES) + self.rng.choice(orgs_demo.GIVEN_NAMES)

    def voucher(self, day: datetime.date) -> str:
        self.vouchers += 1
        return f"溧财拨〔{day.year}〕{self.vouchers:04d}号"

    # -- the clock ------------------------------------------------------------------------------

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return midnight + datetime.timedelta(minutes=minute)

    def clock(self, day: datetime.date) -> contextlib.AbstractContextManager[None]:
        """Run a step on ``day`` in office hours, after the step before it."""
        if day >= self.today:
            raise DemoDataError(f"a step on {day} has not happened yet")
        moment = self.at(day, self.rng.randint(8 * 60 + 30, 17 * 60))
        if moment <= self.last_moment:
            moment = self.last_moment + datetime.timedelta(minutes=self.rng.randint(3, 20))
        self.last_moment = moment
        return _clock(moment)

    def run(self, stories: list[Story]) -> None:
        """Run the stories' steps in the order of their days, each at its own moment."""
        queue: list[tuple[datetime.date, int, Story]] = []
        for tick, story in enumerate(stories):
            first = next(story, None)
            if first is not None:
                heapq.heappush(queue, (first, tick, story))
        tick = len(stories)
        while queue:
            day, _tick, story = heapq.heappop(queue)
            with self.clock(day):
                following = next(story, None)
            if following is not None:
                if following < day:
                    raise DemoDataError("a story went back in time")
                heapq.heappush(queue, (following, tick, story))
                tick += 1

    # -- the expert pool ------------------------------------------------------------------------

    def pool(self) -> None:
        """The rounds draw from the pool's experts with an account to score with: those the
        supervision demo gave one (the expert demo account among them) are enough for panels of
        the rounds' size within the limit per expert."""
        for position in POOL_WITH_ACCOUNTS:
            if self.expert(position).account_id is None:
                raise DemoDataError(f"expert {position} of the people demo has no account")

    def expert(self, position: int) -> Expert:
        _surname, title, employer, _codes, _expertise = people_demo.EXPERTS[position]
        found = (
            Expert.objects.filter(title=title, employer=employer, region=self.county).order_by("pk").first()
        )
        if found is None:
            raise DemoDataError(f"no expert {title} of {employer} in the people demo")
        return found

    # -- needs, the catalog, the library ----------------------------------------------------------

    def raise_needs(self, specs: Sequence[NeedSpec], start: datetime.date, end: datetime.date) -> Story:
        span = (end - start).days
        days = sorted(start + datetime.timedelta(days=self.rng.randrange(span)) for _spec in specs)
        for spec, day in zip(specs, days, strict=True):
            yield day
            self.raise_need(spec)
        last = days[-1]
        for spec, day in zip(specs, days, strict=True):
            if spec.fate:
                last = max(day + datetime.timedelta(days=self.rng.randint(3, 12)), last)
                yield last
                self.settle_need(spec)

    def raise_need(self, spec: NeedSpec) -> None:
        """A portal need has no account; a village worker's is entered by the village demo
        account for its own village, elsewhere by the town's officer (or the county's)."""
        by: User | None = None
        source = NeedSource.PORTAL if spec.source == "portal" else NeedSource.VILLAGE
        if spec.source == "desk" and self.village_worker.region is not None:
            region, by = self.village_worker.region, self.village_worker
        else:
            region = self.village(spec.town, spec.village)
            if spec.source != "portal":
                by = self.town_officers.get(region.code[:9].ljust(12, "0"), self.officer)
        place = short_name(region)
        portal = spec.source == "portal"
        self.needs[spec.key] = needs.submit_need(
            title=spec.title,
            description=spec.description,
            field=self.fields[spec.field],
            region=region,
            source=source,
            by=by,
            target_group=self.groups.get(spec.group),
            submitter_name=self.person() if portal else f"{self.person()}（{place}）",
            contact=self.phone(),
        )

    def settle_need(self, spec: NeedSpec) -> None:
        action, _colon, text = spec.fate.partition(":")
        need = self.needs[spec.key]
        if action == "merge":
            needs.merge_needs(need, into=self.needs[text], by=self.officer)
        else:
            needs.decide_need(need, action=action, note=text, by=self.officer)

    def catalog(self, position: int, drafted: datetime.date) -> Story:
        """The year's catalog items from the needs, published; the office's projects from them."""
        yield drafted
        for spec in ITEMS:
            if not spec.code.startswith(f"0{position}"):
                continue
            year = self.item_year(spec.code)
            self.items[spec.code] = catalog.create_catalog_item(
                region=self.county,
                year=year,
                code=f"LY{year}-{spec.code[-1]:0>2}",
                title=spec.title,
                field=self.fields[spec.field],
                scope=spec.scope,
                requirements=spec.requirements,
                eligible_applicants="在溧阳市依法登记或备案、近两年年检合格、未列入活动异常名录和严重违法失信名单的社会组织。",
                budget_min=Decimal(spec.budget[0]),
                budget_max=Decimal(spec.budget[1]),
                needs=[self.needs[key] for key in spec.needs],
                by=self.officer,
            )
        yield drafted + datetime.timedelta(days=10)
        for spec in ITEMS:
            if spec.code.startswith(f"0{position}") and spec.publish:
                self.items[spec.code] = catalog.set_catalog_status(
                    self.items[spec.code],
                    to=CatalogStatus.PUBLISHED,
                    by=self.officer,
                    note="经局务会审议发布",
                )
        yield drafted + datetime.timedelta(days=14)
        for code, title, summary, budget in TOP_DOWN:
            if code.startswith(f"0{position}"):
                item = self.items[code]
                self.projects[title] = catalog.create_project(
                    region=self.county,
                    title=title,
                    field=item.field,
                    summary=summary,
                    budget=Decimal(budget),
                    by=self.officer,
                    origin=Origin.TOP_DOWN,
                    catalog_item=item,
                )
        proposals = [row for row in BOTTOM_UP if row[-1] == position]
        for n, (title, field, summary, budget, declined, _position) in enumerate(proposals):
            yield drafted + datetime.timedelta(days=16 + 6 * n)
            organization = self.organizations[MARKER]
            project = catalog.create_project(
                region=self.county,
                title=title,
                field=self.fields[field],
                summary=summary,
                budget=Decimal(budget),
                by=self.org_account,
                origin=Origin.BOTTOM_UP,
                organization=organization,
                target_groups=[self.groups["residents"]],
            )
            yield drafted + datetime.timedelta(days=19 + 6 * n)
            self.projects[title] = catalog.decide_project(
                project,
                accept=not declined,
                note=declined or "符合本年度购买服务目录方向，纳入项目库。",
                by=self.officer,
            )

    # -- rounds -----------------------------------------------------------------------------------

    def open_round(self, year: int, *, opens: datetime.date, closes: datetime.date, **terms: Any) -> Round:
        round = rounds.create_round(
            region=self.county,
            title=ROUND_TITLE.format(year=year),
            call_text=(CALL_TEXT if year == self.year else NEXT_CALL_TEXT).format(year=year),
            opens_on=opens,
            closes_on=closes,
            year=year,
            max_request=MAX_REQUEST,
            defense_weight=40,
            last_project_rule=LastProjectRule.SKIP,
            supervisor=self.organizations[SUPERVISOR],
            by=self.officer,
            **terms,
        )
        rounds.set_sources(round, sources=[SPECIAL_FUND, LOTTERY_FUND], by=self.officer)
        rounds.set_rubric(
            round, lines=[(name, weight, ANCHORS[name]) for name, weight in RUBRIC], by=self.officer
        )
        return round

    def apply(
        self, round: Round, proposal: Proposal, *, starts: datetime.date, months: int = 12
    ) -> Application:
        organization = self.organizations[proposal.organization]
        by = (
            self.org_account
            if organization.accounts.filter(pk=self.org_account.pk).exists()
            else self.officer
        )
        ends = datetime.date(
            starts.year + (starts.month - 1 + months) // 12, (starts.month - 1 + months) % 12 + 1, 1
        )
        values: dict[str, Any] = {
            "field": self.fields[proposal.field],
            "summary": proposal.summary,
            "need_statement": f"{proposal.summary[:30]}……据走访调查，服务对象需求迫切。",
            "beneficiaries": proposal.beneficiaries,
            "starts_on": starts,
            "ends_on": ends - datetime.timedelta(days=1),
            "co_funding": Decimal(proposal.requested // 10),
        }
        if proposal.item:
            values["catalog_item"] = self.items[proposal.item]
        if proposal.project:
            values["project"] = self.projects[proposal.project]
        application = applications.create_application(
            round,
            organization=organization,
            title=proposal.title,
            by=by,
            target_groups=[self.groups[code] for code in proposal.groups.split()],
            **values,
        )
        requested = Decimal(proposal.requested)
        lines, left = [], requested
        for n, (category, item, share, note) in enumerate(BUDGET_LINES):
            amount = left if n == len(BUDGET_LINES) - 1 else (requested * share).quantize(Decimal(100))
            left -= amount
            lines.append({"category": category, "item": item, "amount": amount, "note": note})
        outputs = [
            {"description": d, "indicator": i, "target": Decimal(t), "unit": u}
            for d, i, t, u in OUTPUTS.get(proposal.field, OUTPUTS["legal_education"])
        ]
        application = applications.update_application(application, by=by, budget_lines=lines, outputs=outputs)
        return applications.submit_application(application, by=by)

    def applications_of(self, round: Round, proposals: Sequence[Proposal]) -> dict[str, Application]:
        found = {a.title: a for a in round.applications.select_related("organization")}
        return {p.title: found[p.title] for p in proposals}

    def scores(self, round: Round, proposal: Proposal, expert: int) -> dict[int, int]:
        """An expert's scores on the rubric: about the proposal's quality, each expert a little
        stricter or kinder."""
        rng = Random(f"{SEED}-{proposal.title}-{expert}")  # noqa: S311 - made-up demo data
        bias = rng.uniform(-0.25, 0.25)
        if round.pk not in self.criteria:
            self.criteria[round.pk] = list(round.criteria.values_list("pk", flat=True))
        return {
            pk: max(1, min(5, round_half(proposal.quality * 5 + bias + rng.uniform(-0.5, 0.5))))
            for pk in self.criteria[round.pk]
        }

    def review(
        self,
        round: Round,
        proposals: Sequence[Proposal],
        *,
        declare: Callable[[Assignment], str],
        day: datetime.date,
    ) -> Story:
        """Each expert declares on ``day`` or the day after and scores two to ten days later;
        ``declare`` says what happens to an assignment: "score", "open" (declared, not scored
        yet), "wait" (not declared yet), "recuse", or "replacement" (drawn after a recusal:
        declared at once)."""
        by_title = {p.title: p for p in proposals}
        drawn = Assignment.objects.filter(application__round=round, status=AssignmentStatus.DRAWN)
        experts = sorted(set(drawn.values_list("expert_id", flat=True)))
        for n, expert_id in sorted(enumerate(experts), key=lambda pair: pair[0] % 2):
            yield day + datetime.timedelta(days=n % 2)
            for assignment in self.drawn(round, expert_id):
                action = declare(assignment)
                if action == "recuse":
                    review.declare(assignment, conflict=True, note=RECUSAL_NOTE, by=account(assignment))
                elif action != "wait":
                    review.declare(assignment, conflict=False, by=account(assignment))
        for assignment in self.drawn(round, None):
            if declare(assignment) == "replacement":
                review.declare(assignment, conflict=False, by=account(assignment))
        opened = Assignment.objects.filter(application__round=round, status=AssignmentStatus.OPEN)
        scorers = sorted(set(opened.values_list("expert_id", flat=True)))
        for n, expert_id in sorted(enumerate(scorers), key=lambda pair: pair[0] % 9):
            yield day + datetime.timedelta(days=2 + n % 9)
            rows = opened.filter(expert_id=expert_id).select_related("expert__account", "application")
            for assignment in rows.order_by("pk"):
                if declare(assignment) == "open":
                    continue
                proposal = by_title[assignment.application.title]
                review.submit_review(
                    assignment,
                    scores=self.scores(round, proposal, expert_id),
                    comment=COMMENTS[max(0, min(3, int(proposal.quality * 5 + 0.2) - 1))],
                    by=account(assignment),
                )

    @staticmethod
    def drawn(round: Round, expert_id: int | None) -> list[Assignment]:
        """The assignments still waiting for their declaration, of one expert or of all."""
        rows = Assignment.objects.filter(application__round=round, status=AssignmentStatus.DRAWN)
        if expert_id is not None:
            rows = rows.filter(expert_id=expert_id)
        return list(rows.select_related("expert__account", "application").order_by("pk"))

    # -- the finished round -------------------------------------------------------------------------

    def finished_round(self) -> Story:
        year = self.year
        yield self.day(1, 2, 10)
        # Three experts a panel, their mean; the later round asks five and drops the extremes.
        round = self.open_round(
            year,
            opens=self.day(1, 3, 1),
            closes=self.day(1, 3, 31),
            min_grade=0,
            experts_per_application=3,
            aggregation=Aggregation.MEAN,
        )
        yield self.day(1, 2, 20)
        round = rounds.open_round(round, by=self.officer)
        proposals = FINISHED
        applied = sorted(
            (self.day(1, 3, 3) + datetime.timedelta(days=self.rng.randrange(27)), n)
            for n in range(len(proposals))
        )
        for day, n in applied:
            yield day
            self.apply(
                round,
                proposals[n],
                starts=self.day(1, 7, 1),
                months=18 if proposals[n].title in EIGHTEEN_MONTHS else 12,
            )
        yield self.day(1, 3, 30)
        withdrawn = self.applications_of(round, proposals)[proposals[-1].title]
        applications.withdraw_application(withdrawn, by=self.officer, reason=WITHDRAWN_REASON)
        yield self.day(1, 4, 2)
        round = rounds.start_review(round, by=self.officer)
        yield self.day(1, 4, 8)
        draw = review.draw_panels(round, by=self.officer, seed=f"{year}0408-LY")
        recused = self.recusal(round)
        replaced: set[int] = set()

        def declare(assignment: Assignment) -> str:
            if assignment.pk == recused:
                return "recuse"
            if assignment.draw_id != draw.pk:
                replaced.add(assignment.pk)
                return "replacement"
            return "score"

        yield from self.review(round, proposals, declare=declare, day=self.day(1, 4, 9))
        if not replaced:
            raise DemoDataError("the recused expert was not replaced")
        yield self.day(1, 5, 12)  # the defense (现场答辩会)
        for application in round.applications.filter(status=ApplicationStatus.SCORED).order_by("pk"):
            proposal = next(p for p in proposals if p.title == application.title)
            rng = Random(f"{SEED}-defense-{proposal.title}")  # noqa: S311 - made-up demo data
            panel = application.assignments.active()
            review.record_defense(
                application,
                scores={
                    a.expert_id: Decimal(
                        max(30, min(98, round_half(proposal.quality * 100 + rng.uniform(-4, 4))))
                    )
                    for a in panel
                },
                by=self.officer,
            )
        yield self.day(1, 5, 16)
        selected = [
            a
            for a in selection.select_projects(round, by=self.officer)
            if a.status == ApplicationStatus.SELECTED
        ]
        if {a.title for a in selected} != {p.title for p in proposals[:SELECTED]} or sum(
            (a.awarded or Decimal(0) for a in selected), Decimal(0)
        ) != round.budget:
            raise DemoDataError(f"{len(selected)} projects selected, not the {SELECTED} spending the budget")
        yield self.day(1, 5, 19)
        round = selection.start_notice(round, by=self.officer, starts_on=self.day(1, 5, 19))
        yield self.day(1, 5, 21)
        concerned = self.applications_of(round, proposals)[OBJECTED]
        objection = selection.record_objection(
            round,
            text=OBJECTION[0],
            by=None,
            application=concerned,
            name=f"{self.person()}（溧阳市法律服务网络联盟）",
            contact=self.phone(),
        )
        yield self.day(1, 5, 23)
        selection.answer_objection(objection, answer=OBJECTION[1], upheld=False, by=self.officer)
        yield self.day(1, 5, 27)
        round = rounds.conclude_notice(round, by=self.officer)
        yield self.day(1, 6, 24)
        # The needs behind the year's catalog are answered with the projects that serve them.
        taken = {p.item: p for p in proposals[:SELECTED] if p.item}
        for spec in ITEMS:
            if spec.code in taken:
                for key in spec.needs:
                    need = Need.objects.get(pk=self.needs[key].pk)
                    answer = ANSWER.format(
                        year=year, title=taken[spec.code].title, name=taken[spec.code].organization
                    )
                    needs.decide_need(need, action="answer", note=answer, by=self.officer)

    def recusal(self, round: Round) -> int:
        """The assignment whose expert declares a conflict the affiliations do not show (the
        expert once coached the applicant): the first on the panel of 春晖's project."""
        assignment = (
            Assignment.objects.filter(application__round=round, application__title=RECUSED_ON)
            .order_by("pk")
            .first()
        )
        if assignment is None:
            raise DemoDataError("no panel for the recusal")
        return assignment.pk

    # -- contracts and delivery -----------------------------------------------------------------

    def delivery(self, title: str, index: int) -> Story:
        """One selected project from signing to its final evaluation, as far as it has come."""
        rng = Random(f"{SEED}-delivery-{title}")  # noqa: S311 - made-up demo data
        signed = self.day(1, 6, 10) + datetime.timedelta(days=index % 12)
        yield signed
        contract = Contract.objects.get(application__round__year=self.year, application__title=title)
        contracts.sign_contract(contract, signed_on=signed, by=self.officer)
        paid = signed + datetime.timedelta(days=rng.randint(8, 15))
        yield paid
        self.pay(contract, 1, paid)
        fails = title == FAILS_MID_TERM
        for month in (8, 10, 11):
            yield self.day(1, month, rng.randint(3, 25))
            for _ in range(rng.randint(1, 3)):
                contracts.record_satisfaction(
                    contract,
                    rating=rng.choice((2, 3, 3)) if fails else rng.choice((4, 5, 5)),
                    helpful=rng.choice((2, 3)) if fails else rng.choice((4, 4, 5)),
                    comment="" if rng.random() < 0.7 else rng.choice(SATISFACTION),
                )
        mid_term = self.day(1, 12, 16) + datetime.timedelta(days=index)
        yield mid_term
        contracts.record_evaluation(
            contract,
            stage=Stage.MID_TERM,
            purchaser_score=Decimal(52 if fails else rng.randint(78, 93)),
            third_party_score=Decimal(49 if fails else rng.randint(76, 92)),
            third_party=EVALUATOR,
            summary=MID_TERM_FAILED if fails else MID_TERM_PASSED,
            evaluated_on=mid_term,
            by=self.officer,
        )
        if fails:
            return
        paid = mid_term + datetime.timedelta(days=rng.randint(10, 20))
        yield paid
        self.pay(contract, 2, paid)
        if title in EIGHTEEN_MONTHS:
            return
        for month in (3, 5):
            yield self.day(2, month, rng.randint(3, 25))
            for _ in range(rng.randint(1, 2)):
                contracts.record_satisfaction(
                    contract, rating=rng.choice((4, 5, 5)), helpful=rng.choice((4, 5))
                )
        late = title in FINAL_UNPAID
        final = (
            self.day(2, 8, 20 + index % 6) if late else self.day(2, 7, 6) + datetime.timedelta(days=2 * index)
        )
        yield final
        contracts.record_evaluation(
            contract,
            stage=Stage.FINAL,
            purchaser_score=Decimal(rng.randint(80, 95)),
            third_party_score=Decimal(rng.randint(78, 94)),
            third_party=EVALUATOR,
            summary=FINAL_PASSED,
            evaluated_on=final,
            by=self.officer,
        )
        if late:
            return
        yield final + datetime.timedelta(days=7)
        self.pay(contract, 3, final + datetime.timedelta(days=7))
        contracts.publish_results(contract, by=self.officer)

    def pay(self, contract: Contract, position: int, day: datetime.date) -> None:
        tranche = contract.tranches.get(position=position)
        contracts.pay_tranche(tranche, paid_on=day, voucher=self.voucher(day), by=self.officer)

    def reports(self) -> Story:
        """The 人民调解协会 reports on its project every quarter; the office comments on one."""
        title = FINISHED[0].title
        periods = [
            (self.day(1, 10, 9), f"{self.year}年第三季度", 6, 180, 35_000),
            (self.day(2, 1, 8), f"{self.year}年第四季度", 9, 260, 82_000),
            (self.day(2, 4, 9), f"{self.year + 1}年第一季度", 8, 240, 118_000),
            (self.day(2, 7, 6), f"{self.year + 1}年第二季度（结项）", 7, 210, 150_000),
        ]
        for n, (day, period, activities, people, spent) in enumerate(periods):
            yield day
            contract = Contract.objects.get(application__round__year=self.year, application__title=title)
            report = contracts.submit_progress_report(
                contract,
                period=period,
                text=REPORTS[n],
                activities=activities,
                people_served=people,
                spent=Decimal(spent),
                problems="" if n % 2 else "部分村调解员工作繁忙，集中培训出勤率不高，下一步改为分片培训。",
                by=self.org_account,
            )
            if n == 1:
                yield day + datetime.timedelta(days=5)
                contracts.comment_report(
                    report,
                    comment="进度符合预期。请在下季度报告中附调解案例汇编和培训签到表。",
                    by=self.officer,
                )

    # -- the round under review -----------------------------------------------------------------

    def review_round(self) -> Story:
        year = self.next_year
        opens = self.today - datetime.timedelta(days=62)
        closes = self.today - datetime.timedelta(days=22)
        yield opens - datetime.timedelta(days=12)
        round = self.open_round(
            year,
            opens=opens,
            closes=closes,
            min_grade=2,
            experts_per_application=5,
            aggregation=Aggregation.TRIMMED,
            legal_forms=[
                LegalForm.ASSOCIATION.value,
                LegalForm.SERVICE_INSTITUTION.value,
                LegalForm.FOUNDATION.value,
            ],
        )
        yield opens - datetime.timedelta(days=5)
        round = rounds.open_round(round, by=self.officer)
        proposals = UNDER_REVIEW
        for n, proposal in enumerate(proposals):
            yield opens + datetime.timedelta(days=3 + n * 36 // len(proposals))
            self.apply(round, proposal, starts=datetime.date(year + 1, 1, 1))
        yield closes + datetime.timedelta(days=1)
        round = rounds.start_review(round, by=self.officer)
        yield closes + datetime.timedelta(days=4)
        review.draw_panels(round, by=self.officer, seed=f"{year}-LY-{closes:%m%d}")
        persona = Expert.objects.get(account=self.expert_account)
        mine = list(
            Assignment.objects.filter(application__round=round, expert=persona)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(mine) < 2:
            raise DemoDataError("the expert demo account was drawn for fewer than two applications")

        def declare(assignment: Assignment) -> str:
            if assignment.expert_id == persona.pk:
                return "score" if assignment.pk == mine[0] else "wait"
            seat = Random(f"{SEED}-seat-{assignment.application.title}-{assignment.expert_id}").random()  # noqa: S311
            return "score" if seat < 0.65 else "open" if seat < 0.8 else "wait"

        yield from self.review(round, proposals, declare=declare, day=closes + datetime.timedelta(days=6))

    # -- per-case mediation subsidies -------------------------------------------------------------

    def case_subsidies(self) -> Story:
        """Cases mediated in the towns over the last four months, each raising its subsidy."""
        rooms = {
            o.region_id: o
            for o in Organization.objects.filter(
                name__contains="调解工作室", region__parent=self.county
            ).order_by("pk")
        }
        numbers: dict[str, int] = {}
        for town, days_ago, title in sorted(CASES, key=lambda c: -c[1]):
            day = self.today - datetime.timedelta(days=days_ago)
            yield day
            place = self.towns[town]
            room = rooms.get(place.code) if days_ago % 2 else None
            village = self.village(town, days_ago)
            numbers[town] = numbers.get(town, 0) + 1
            short = town.removesuffix("街道").removesuffix("镇")
            subsidy = subsidies.raise_case_subsidy(
                region=village,
                case_reference=f"（{day.year}）溧{short}调字第{numbers[town] * 7 + days_ago % 5:03d}号",
                case_title=title,
                payee=room,
                payee_name=room.name if room is not None else f"{short_name(village)}人民调解委员会",
                amount=Decimal(500) if title == DIFFICULT_CASE else None,
                raised_on=day,
                by=self.town_officers.get(place.code, self.officer),
            )
            self.cases.append((day, subsidy.pk, f"{town}{title}"))

    def case_payments(self) -> Story:
        """The county pays, once a month, the subsidies raised at least three weeks before."""
        for runs_ago in (3, 2, 1):
            run = self.today - datetime.timedelta(days=30 * runs_ago)
            yield run
            for day, pk, name in self.cases:
                subsidy = CaseSubsidy.objects.get(pk=pk)
                if day > run - datetime.timedelta(days=21) or subsidy.status != CaseSubsidyStatus.GRANTED:
                    continue
                if name == f"上兴镇{CANCELLED_CASE[0]}":
                    subsidies.cancel_case_subsidy(subsidy, reason=CANCELLED_CASE[1], by=self.officer)
                else:
                    subsidies.pay_case_subsidy(
                        subsidy, paid_on=run, voucher=self.voucher(run), by=self.officer
                    )

    # -- the whole ------------------------------------------------------------------------------

    def build(self) -> None:
        self.pool()
        finished = [p.title for p in FINISHED[:SELECTED]]
        stories: list[Story] = [
            self.raise_needs(EARLY_NEEDS, self.day(0, 9, 1), self.day(1, 1, 10)),
            self.catalog(1, self.day(1, 1, 20)),
            self.finished_round(),
            *(self.delivery(title, n) for n, title in enumerate(finished)),
            self.reports(),
            self.raise_needs(LATER_NEEDS, self.day(1, 4, 1), self.day(2, 4, 20)),
            self.catalog(2, self.day(2, 6, 1)),
            self.raise_needs(RECENT_NEEDS, self.today - datetime.timedelta(days=50), self.today),
            self.review_round(),
            self.case_subsidies(),
            self.case_payments(),
        ]
        self.run(stories)


def account(assignment: Assignment) -> User:
    """The account the assignment's expert signs in with (the pool is drawn from those)."""
    if assignment.expert.account is None:
        raise DemoDataError(f"{assignment.expert.name} has no account to score with")
    return assignment.expert.account


def round_half(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


COMMENTS = [
    "项目设计较为简单，建议细化活动安排和成效指标。",
    "需求分析基本清楚，执行团队需加强专业督导。",
    "项目设计合理，团队有同类项目经验，预算基本合理。",
    "需求迫切、设计专业，成效指标具体可测，建议立项。",
]
SATISFACTION = [
    "服务很贴心，解决了实际问题。",
    "希望活动多来几次。",
    "工作人员很耐心。",
    "讲得很实用，听得懂。",
]
MID_TERM_PASSED = "项目按计划推进，中期目标基本完成，活动台账和资金使用规范，服务对象满意度较高。"
MID_TERM_FAILED = (
    "短视频更新频次和播放量远低于申报目标，项目台账不完整，资金使用进度滞后，服务对象反馈一般。"
    "评估不合格，暂停拨付后续资金，责令一个月内提交整改方案。"
)
ANSWER = "已纳入{year}年度溧阳市社会组织公益创投，由{name}承接的{title}项目提供服务，欢迎关注项目进展。"
FINAL_PASSED = "项目完成申报的全部产出指标，服务成效明显，资料齐全，资金使用规范，同意结项。"
REPORTS = [
    "完成全市调解员培训需求调研，举办首期分级培训班2期，开展疑难纠纷会商1次。",
    "完成各镇（街道）片区培训，编印《人民调解典型案例选编》，建立“老娘舅”调解骨干库，入库68人。",
    "组织疑难纠纷会商4次，骨干调解员参与化解重大矛盾纠纷11件，开展跟班学习。",
    "完成全部培训任务，累计培训调解员1,260人次，骨干库调解员参与调解纠纷326件，项目资料已整理归档。",
]
