"""Demo data for activities, people's mediation and deliberation in 溧阳市 (320481), on the other
demos (issue 8; seed 001: legal-education events and consultations; seed 004: mediation handled
≥ 98 %, successful ≥ 96 %; seed 000 四(一): a 百姓议事堂 in every village):

* the twelve months before today of activities held for residents: legal-education events,
  consultations, services, training and rule-of-law culture, by the county's associations (the
  人民调解协会 of the ``org`` demo account records its own), the towns' legal service groups and
  the village committees, over every town, with their fields, people served and groups served
  (photos of some of the association's); some belong to the funded projects the same
  organizations signed in the funding demo, some list the volunteers who attended (volunteers
  enrolled with the organizer in the people demo: their hours wait for the organizer, who
  approves those older than a few weeks once a month); a few were rated on the portal;
* people's mediation: the mediators of every town's committee, of some village committees and
  of the organizations that mediate (the 人民调解协会, the towns' named mediation rooms), and
  the cases registered with them over the year, by dispute type as the 司法部 statistics count
  them, each with two parties (made-up names, valid identity numbers and mobile numbers, shown
  masked), mediators assigned, the mediation record, then an agreement (written or oral, with
  how and by when it is performed and the amount involved) for nearly all, ended without one
  for a few, and a few of the last weeks still being mediated; follow-up visits finding most
  agreements performed, judicial confirmations applied for within the 30 days, a few ratings.
  Each agreement raises its per-case subsidy in the funding app; the county pays them once a
  month (the funding demo's own subsidies, entered by hand under the towns' series such as
  （2026）溧戴埠调字第012号, keep their references: the cases here are numbered in the county's
  series, （2026）溧阳市人调字第12号, and cannot clash with them);
* deliberation: a 百姓议事堂 in about 85 % of the villages and communities (every village whose
  议事堂 is in the registry demo, then others), a women's council, a village-group council or a
  residents' autonomy council in some, each with 7 to 15 members and its chair, vice-chair and
  secretary; meetings over the year in 戴埠镇 and 天目湖镇 (every hall, three times) and in a
  fifth of the councils elsewhere, one election (the hall of the ``village`` demo account's
  community, which then changes its chair), one meeting short of its quorum (no decision),
  decisions with their votes followed to done, in progress or dropped, most minutes published,
  and a few meetings planned for the coming weeks.

Every workflow step goes through the activities, funding and people services, each with the
clock set back to its day, in the order things happened; the councils and their members carry
no workflow and are written in bulk (about 230 councils and 2,500 members would take seconds
through ``create_council`` and ``add_member``), with their "created" history rows and one audit
entry recording the load.
Steps of towns without a demo officer are taken by an officer account made for that town (as
the incubation demo does; nobody signs in with it). Everything is drawn from a seeded
generator; ``build`` does nothing once the demo exists."""

from __future__ import annotations

import contextlib
import datetime
import heapq
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from random import Random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import AccountType, User
from peiyu.activities import figures
from peiyu.activities.models import (
    Activity,
    ActivityEvent,
    ActivityKind,
    Attendance,
    CaseSource,
    Council,
    CouncilKind,
    CouncilMember,
    Decision,
    DecisionStatus,
    MediationCase,
    Mediator,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Office,
    Performance,
    Rating,
)
from peiyu.activities.services import activities, deliberation, mediation, ratings
from peiyu.activities.services.mediation import PartyValues
from peiyu.core import audit
from peiyu.funding import demo as funding_demo
from peiyu.funding.models import CaseSubsidy, CaseSubsidyStatus, Contract, ContractStatus
from peiyu.funding.services import subsidies
from peiyu.lib import idcard
from peiyu.orgs.demo import HALL, MARKER, DemoDataError, _clock, is_real_town, is_rural, short_name
from peiyu.orgs.models import Field, Organization, TargetGroup
from peiyu.people.demo import GIVEN, MOBILE_PREFIXES, SINGLE, SURNAMES
from peiyu.people.models import Enrollment, HoursSource, HoursStatus, ServiceRecord, Volunteer
from peiyu.people.services.hours import decide_many
from peiyu.regions.demo import DEMO_COUNTY
from peiyu.regions.models import Region

COUNTY_CODE = DEMO_COUNTY.ljust(12, "0")
SEED = 20110101  # 人民调解法 came into force
DAYS = 365
ACTIVITIES = 200
CASES = 160
HALL_SHARE = 0.85
LOAD = "溧阳市议事堂和议事会名册（演示数据）"
COURT = "溧阳市人民法院"
ROUTES = "已告知当事人可向溧阳市人民法院提起诉讼，劳动争议可向溧阳市劳动人事争议仲裁委员会申请仲裁。"

Story = Iterator[datetime.date]  # a story yields the day of its next step


# -- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    kind: str
    title: str  # {place}: the village or community
    field: str
    groups: str
    people: tuple[int, int]
    description: str


K = Kind
# fmt: off
LEGAL_EDUCATION = [
    K("legal_education", "“民法典进万家”宣讲（{place}）", "legal_education", "residents", (40, 160),
      "结合身边案例讲解民法典婚姻家庭编、继承编和相邻关系规定，现场发放宣传册并解答提问。"),
    K("legal_education", "防范电信网络诈骗宣传（{place}）", "legal_education", "elderly residents", (50, 200),
      "讲解冒充客服、刷单返利、养老投资等常见骗局，指导老年人安装国家反诈中心APP。"),
    K("legal_education", "“法治进校园”专题课（{place}）", "legal_education", "children", (60, 300),
      "围绕预防校园欺凌、网络安全和未成年人保护法开展法治课，组织学生模拟法庭。"),
    K("legal_education", "农民工劳动权益法律宣讲（{place}）", "legal_education", "migrant_workers", (30, 120),
      "讲解劳动合同签订、工资支付和工伤认定，告知欠薪维权渠道和12348热线。"),
    K("legal_education", "反家庭暴力法宣传（{place}）", "legal_education", "women", (30, 100),
      "讲解人身安全保护令的申请和告诫书制度，发放反家暴宣传资料。"),
]
CONSULTATION = [
    K("consultation", "法律咨询服务日（{place}）", "legal_aid", "residents", (8, 40),
      "律师和法律工作者现场接待群众咨询，涉及婚姻继承、土地承包、劳动报酬和借贷纠纷。"),
    K("consultation", "赶集日法律咨询摊位（{place}）", "legal_aid", "residents elderly", (10, 50),
      "在集市设点解答法律问题，登记需要后续跟进的疑难咨询。"),
    K("consultation", "公共法律服务站坐班接待（{place}）", "legal_aid", "residents", (5, 20),
      "法律顾问坐班接待来访群众，代写法律文书，引导申请法律援助。"),
]
SERVICE = [
    K("service", "独居老人上门法律服务（{place}）", "elderly_care", "elderly", (5, 20),
      "走访独居、高龄老人，了解赡养和财产情况，协助起草赡养协议和遗嘱。"),
    K("service", "社区矫正对象走访帮教（{place}）", "rehabilitation", "community_corrections", (3, 10),
      "配合司法所走访社区矫正对象，开展谈心谈话和就业指导。"),
    K("service", "矛盾纠纷排查走访（{place}）", "dispute", "residents", (10, 40),
      "逐户走访排查邻里、婚姻家庭和土地纠纷苗头，建立排查台账。"),
]
TRAINING = [
    K("training", "村（居）人民调解员业务培训（{place}）", "dispute", "residents", (20, 60),
      "讲解人民调解法、调解协议书制作规范和常见纠纷调解技巧，开展案例研讨。"),
    K("training", "法律明白人培训（{place}）", "legal_education", "residents", (15, 50),
      "培训法律明白人掌握常用法律知识和纠纷排查上报流程。"),
]
CULTURE = [
    K("culture", "法治文艺演出（{place}）", "culture_sports", "residents", (150, 500),
      "以锡剧、快板、小品等群众喜闻乐见的形式演绎法治故事。"),
    K("culture", "法治书画展（{place}）", "culture_sports", "residents children", (100, 400),
      "展出法治书法、漫画作品，组织群众现场书写法治格言。"),
]
OTHER = [
    K("other", "平安建设志愿巡防（{place}）", "safety", "residents", (10, 40),
      "组织志愿者开展夜间巡防，排查安全隐患，宣传防盗防骗知识。"),
]
# fmt: on
# Who holds the year's activities: (organization, share, what it does, where: "county" in any
# village of the county, "town" the town's own 法律服务团 in its villages). Village committees
# hold the rest.
ORGANIZERS: list[tuple[str, float, list[Kind], str]] = [
    (MARKER, 0.12, TRAINING + LEGAL_EDUCATION[:1] + SERVICE[2:], "county"),
    ("溧阳市法治宣传教育协会", 0.10, LEGAL_EDUCATION, "county"),
    ("溧阳市12348法律服务志愿者协会", 0.07, CONSULTATION, "county"),
    ("溧阳市老龄协会", 0.05, LEGAL_EDUCATION[1:2] + SERVICE[:1], "county"),
    ("溧阳市退（离）休教师协会", 0.04, LEGAL_EDUCATION[2:3], "county"),
    ("溧阳市巾帼维权服务中心", 0.04, LEGAL_EDUCATION[4:] + CONSULTATION[:1], "county"),
    ("溧阳市社区矫正协会", 0.03, SERVICE[1:2], "county"),
    ("溧阳市法治文化创作社", 0.03, CULTURE, "county"),
    ("溧阳市志愿者协会", 0.04, OTHER + SERVICE[:1], "county"),
    ("", 0.18, CONSULTATION + LEGAL_EDUCATION[:2] + LEGAL_EDUCATION[3:4], "town"),
]
VILLAGE_KINDS = LEGAL_EDUCATION[:2] + CONSULTATION[2:] + SERVICE[2:] + TRAINING[1:] + OTHER
# Organizations whose volunteers are put on attendance lists.
WITH_VOLUNTEERS = {
    MARKER,
    "溧阳市法治宣传教育协会",
    "溧阳市12348法律服务志愿者协会",
    "溧阳市老龄协会",
    "溧阳市志愿者协会",
    "溧阳市巾帼维权服务中心",
}
SLOTS = ((9 * 60, 11 * 60), (14 * 60 + 30, 16 * 60 + 30), (19 * 60, 20 * 60 + 30))  # local minutes
PHOTO_CAPTIONS = ("活动现场", "发放宣传资料")
ACTIVITY_COMMENTS = ["讲得很实用，听得懂。", "希望多来几次。", "老师很耐心。", "案例贴近生活。", ""]


# -- mediation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dispute:
    kind: str
    weight: int
    summary: str  # {a} applicant, {b} respondent, {place}
    claims: str
    statement: str  # what the mediation record says the parties said
    terms: str  # {amount}
    method: str
    amount: tuple[int, int] | None
    company: str = ""  # the respondent is a company of this kind


D = Dispute
# fmt: off
DISPUTES = [
    D("neighbour", 14, "{a}与{b}系{place}前后邻居。{b}翻建厨房时将排水管引至{a}家门前，雨天积水，双方多次争吵。",
      "要求{b}将排水管改道，恢复门前路面。", "{a}称门前长期积水、出行不便；{b}称排水管原先就在此处，改道需要费用。",
      "{b}于十日内将排水管改道接入村排水沟，门前路面由{b}负责修复，费用{amount}元由{b}承担；双方今后和睦相处。",
      "按约定时间自行改造，调解员现场查看", (800, 3000)),
    D("neighbour", 12, "{b}家卫生间漏水，致楼下{a}家天花板霉变、墙面脱落，双方就维修和赔偿协商未果。",
      "要求{b}维修防水层并赔偿装修损失。", "{a}称多次上门沟通无果；{b}称已请人查看，损失金额过高。",
      "{b}负责请人重做卫生间防水层，并一次性赔偿{a}装修损失{amount}元。", "当场支付赔偿款，十五日内完成维修", (1500, 6000)),
    D("neighbour", 8, "{b}在与{a}家相邻的空地堆放建筑材料，影响{a}家通行，双方发生口角并有推搡。",
      "要求{b}清除堆放物，赔礼道歉。", "{a}称通道被占已有半年；{b}称空地属集体，可以临时堆放。",
      "{b}于三日内清理堆放物，保持通道畅通；双方互相赔礼道歉。", "三日内自行清理", None),
    D("marriage_family", 12, "{a}年迈多病，与儿子{b}及其兄弟就赡养费分担和轮流照顾问题发生争执，{a}申请调解。",
      "要求子女按月支付赡养费并轮流照顾。", "{a}称生活无人照料；{b}称兄弟之间分担不公，自己出力最多。",
      "{b}兄弟三人每人每月支付赡养费600元（全年合计{amount}元），每季度轮流照顾老人，医疗费凭票据均摊。",
      "按月转账支付，村调委会每季度回访", (21600, 21600)),
    D("marriage_family", 8, "{a}与{b}系夫妻，因{b}长期沉迷打牌、不顾家庭，双方矛盾激化，{a}提出离婚。",
      "要求{b}改正或同意离婚。", "{a}称{b}输钱后还向亲戚借款；{b}表示愿意改正，不同意离婚。",
      "经调解双方和好，{b}保证不再赌博，家庭收入由双方共同管理，欠亲戚的借款由双方共同归还。", "即时履行，妇联和调委会跟踪回访", None),
    D("marriage_family", 6, "{a}与{b}离婚后，因女儿抚养费支付和探望时间发生纠纷。",
      "要求{b}补付拖欠的抚养费并按时支付。", "{a}称{b}已半年未付抚养费；{b}称收入下降，要求减少抚养费并增加探望。",
      "{b}一次性补付拖欠的抚养费{amount}元，此后每月10日前支付1,000元；每月第二、四周周末为探望时间。",
      "当场支付补付款，此后按月转账", (3000, 6000)),
    D("housing", 9, "{a}与{b}两家宅基地相邻，{b}翻建住房时越过原界址约半米，{a}认为侵占其宅基地，双方发生争执。",
      "要求{b}按原界址建房。", "{a}称新房墙基压占其宅基地；{b}称按老房屋檐滴水线建房，没有越界。",
      "经村、镇两级现场勘测，{b}按原界址退让0.3米建房，并补偿{a}{amount}元。", "退让后由村调委会验收，补偿款当场付清", (2000, 8000)),
    D("land", 6, "{a}将承包的12亩水田流转给{b}种植，{b}以粮价下跌为由拖欠两年流转费。",
      "要求{b}支付拖欠的土地流转费。", "{a}称合同约定每亩每年600元；{b}称连续两年减产，要求降低流转费。",
      "{b}于本月底前支付拖欠的流转费{amount}元，此后按合同每年12月底前支付。", "分两次转账支付", (9000, 14400)),
    D("land", 4, "{a}与{b}两家承包的山林相邻，因毛竹采伐越界发生边界纠纷。",
      "要求确认边界并赔偿越界采伐损失。", "{a}称{b}越界采伐毛竹四十余根；{b}称边界以山脊为准，没有越界。",
      "以林权证附图和界桩为准重新确定边界，{b}赔偿越界采伐的毛竹损失{amount}元。", "当场支付，村林管员埋设界桩", (800, 3000)),
    D("labour", 8, "{a}等五名工人在{b}承包的工地务工，工程完工后{b}以总包方未结算为由拖欠工资。",
      "要求{b}支付拖欠的工资。", "{a}称已催要三个月；{b}承认欠薪，称总包方未付工程款。",
      "{b}于十五日内支付拖欠工资共计{amount}元，由镇劳动保障所监督发放。", "十五日内银行转账支付", (20000, 60000)),
    D("damages", 8, "{b}家饲养的犬只未拴绳，将路过的{a}咬伤，{a}花去医疗费、狂犬疫苗费等。",
      "要求{b}赔偿医疗费、误工费等损失。", "{a}出示了医疗票据；{b}认可犬只伤人，但认为误工费过高。",
      "{b}一次性赔偿{a}医疗费、误工费等共计{amount}元，并保证今后拴养犬只。", "当场支付", (1500, 5000)),
    D("traffic", 6, "{a}骑电动车与{b}驾驶的三轮车在村道相撞，{a}受伤住院，交警认定{b}负主要责任。",
      "要求{b}赔偿医疗费、护理费、误工费。", "{a}称住院十二天；{b}称自己经济困难，希望分期赔偿。",
      "{b}赔偿{a}医疗费、护理费、误工费等共计{amount}元，分两期付清。", "分两期付清，第二期于两个月内支付", (8000, 40000)),
    D("contract", 5, "{a}向{b}出售苗木一批，{b}收货后以部分苗木死亡为由拒付余款。",
      "要求{b}支付苗木余款。", "{a}称苗木交付时均为活苗；{b}称栽种后一个月内死亡三成。",
      "扣除死亡苗木货款后，{b}支付余款{amount}元。", "一个月内转账支付", (6000, 30000), "苗木"),
    D("property_management", 3, "物业公司以{a}拖欠两年物业费为由停用其门禁卡，{a}以小区绿化、保洁不到位为由拒交。",
      "要求恢复门禁，物业公司整改服务。", "{a}称物业服务不到位；物业公司称已多次催缴。",
      "{a}补缴物业费{amount}元，物业公司一个月内整改绿化和保洁并恢复门禁。", "当场补缴，一个月后回访整改情况", (2000, 4000), "物业"),
    D("consumer", 2, "{a}请{b}装修房屋，入住后发现墙面开裂、地砖空鼓，双方就返修和退款发生纠纷。",
      "要求免费返修并退还部分装修款。", "{a}出示了现场照片；装修方认可部分质量问题。",
      "装修方负责免费返修，并退还部分装修款{amount}元。", "一个月内返修完毕，退款当场支付", (2000, 8000), "装饰"),
    D("environment", 1, "{b}在村内经营生猪养殖，粪污直排，气味影响{a}等周边村民生活。",
      "要求{b}停止排污并赔偿损失。", "{a}等村民反映气味严重；{b}称正在建设处理设施。",
      "{b}三个月内建成粪污处理设施，期间补偿周边住户共计{amount}元。", "分期整改，镇环保办验收", (3000, 10000)),
    D("demolition", 1, "{a}与兄弟{b}就父亲名下房屋征收补偿款的分配发生争执。",
      "要求按份分配征收补偿款。", "{a}称自己长期照顾父亲，应多分；{b}称应当平分。",
      "补偿款按兄弟二人各半分配，{a}另得照顾父亲的补偿{amount}元。", "补偿款到账后三日内分配", (20000, 50000)),
]
# fmt: on
FAILURES = [
    "{b}拒绝接受调解，表示要通过诉讼解决。",
    "双方对赔偿金额分歧较大，经三次调解未能达成协议。",
    "{b}不认可责任划分，调解终止。",
]
FOLLOW_UPS = {
    Performance.PERFORMED: "经回访，协议已履行完毕，双方表示满意。",
    Performance.PARTLY: "已履行部分义务，剩余部分约定下月履行，调解员将继续督促。",
    Performance.NOT_PERFORMED: "协议尚未履行，调解员已督促义务人履行，并告知权利人可申请司法确认或起诉。",
}
CASE_COMMENTS = ["调解员很公道。", "问题解决了，谢谢村里。", "跑了几次才调好，还算满意。", ""]
OCCUPATIONS = ("农民", "农民", "个体工商户", "退休", "务工", "教师", "职员")


# -- deliberation -----------------------------------------------------------------------------

# fmt: off
AGENDAS = [
    ("村道路灯维修和安装", "村主干道新装太阳能路灯20盏，费用从村级公益事业资金列支。", "村委会"),
    ("修订村规民约", "村规民约修订稿增加移风易俗、红白喜事简办条款，提交村民代表会议表决。", "议事堂秘书"),
    ("广场舞活动时间和音量", "广场舞活动时间调整为19:00至20:30，音响音量由文体队长负责控制。", "文体队"),
    ("垃圾分类督导", "设立垃圾分类督导岗，由党员和志愿者轮流值守，每月评比“美丽庭院”。", "妇女议事会"),
    ("村集体闲置用房出租", "村集体闲置用房公开招租，租金收入用于村内公益事业。", "村委会"),
    ("河塘清淤和护坡", "对村前河塘清淤并修建护坡，工程由村委会组织实施，议事堂全程监督。", "村委会"),
    ("停车位规划", "在小区空地划设停车位60个，优先保障老年人和残疾人车辆。", "居委会"),
    ("高龄老人助餐", "开设村级助餐点，为80岁以上老人提供午餐，费用由村集体补贴一半。", "村委会"),
]
DROPPED = "经实地测算费用超出村级公益事业资金承受能力，经议事堂再次协商，暂缓实施。"
IN_PROGRESS = "已完成方案设计和招标，正在施工。"
DONE = "已按决议实施完毕，议事堂成员现场验收，结果在村务公开栏公示。"
# fmt: on


def build() -> dict[str, Any]:
    """Build the activities demo of 溧阳市 once (on the other demos); return the counts."""
    funding_demo.build()
    users = {account.username: user for account, user in accounts_demo.build()}
    if not Council.objects.filter(region__parent__parent_id=COUNTY_CODE).exists():
        # Notes, minutes and records are stored as written: in the offices' language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            _Demo(users).build()
    return counts()


def counts() -> dict[str, Any]:
    today = timezone.localdate()
    year = figures.period_figures(DEMO_COUNTY, today - datetime.timedelta(days=DAYS), today)
    villages = Region.objects.filter(parent__parent_id=COUNTY_CODE, code__lt="320481400000")
    halls = Council.objects.filter(region__in=villages, kind=CouncilKind.HALL)
    meetings = Meeting.objects.filter(council__region__in=villages)
    return {
        "activities": year["activities"],
        "served": year["served"],
        "cases": year["registered"],
        "handled_rate": year["handled_rate"],
        "success_rate": year["success_rate"],
        "mediators": Mediator.objects.filter(region__code__startswith=DEMO_COUNTY).count(),
        "villages": villages.count(),
        "halls": halls.count(),
        "councils": Council.objects.filter(region__in=villages).count(),
        "meetings": meetings.count(),
        "published": meetings.filter(status=MeetingStatus.PUBLISHED).count(),
        "decisions": Decision.objects.filter(meeting__in=meetings).count(),
        "attendance": Attendance.objects.filter(activity__region__code__startswith=DEMO_COUNTY).count(),
    }


class _Demo:
    def __init__(self, users: dict[str, User]) -> None:
        self.rng = Random(SEED)  # noqa: S311 - made-up demo data, not secrets
        self.county_officer = users["county"]
        self.village_worker = users["village"]
        self.org_account = users["org"]
        self.volunteer_account = users["volunteer"]
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.first = self.today - datetime.timedelta(days=DAYS)
        self.live = self.first - datetime.timedelta(days=20)  # the module went live
        self.last_moment = self.at(self.live - datetime.timedelta(days=1), 0)
        self.moment = self.last_moment
        self.county = Region.objects.get(code=COUNTY_CODE)
        self.towns = [t for t in Region.objects.children_of(self.county) if is_real_town(t)]
        self.villages = {t.code: list(Region.objects.children_of(t)) for t in self.towns}
        self.all_villages = [v for t in self.towns for v in self.villages[t.code]]
        self.town_of = {t.code: t for t in self.towns}
        self.town_names = {t.code: t.name for t in self.towns}
        self.officers: dict[str, User] = {}
        self.organizations = {
            o.name: o
            for o in Organization.objects.filter(region__code__startswith=DEMO_COUNTY, status="active")
        }
        if MARKER not in self.organizations:
            raise DemoDataError("the registry demo is not built")
        self.fields = {f.code: f for f in Field.objects.all()}
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        self.mediators: dict[str, list[Mediator]] = defaultdict(list)  # by region or organization name
        self.phones: set[str] = set()
        self.cases: list[str] = []  # the numbers of the cases agreed, for the subsidy payments
        self.members: dict[int, list[CouncilMember]] = defaultdict(list)  # as loaded, by council

    # -- values ---------------------------------------------------------------------------------

    def at(self, day: datetime.date, minute: int) -> datetime.datetime:
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
        return midnight + datetime.timedelta(minutes=minute)

    def day_in(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(max(0, (end - start).days) + 1))

    def person(self, sex: str = "", born: int = 1970) -> tuple[str, str]:
        """A made-up name of someone born in ``born``, and the sex drawn."""
        sex = sex or self.rng.choice(("male", "female"))
        generation = "old" if born < 1975 else "mid" if born < 1990 else "young"
        if generation != "old" and self.rng.random() < 0.15:
            given = self.rng.choice(SINGLE[sex])
        else:
            first, second = GIVEN[(generation, sex)]
            given = self.rng.choice(first) + self.rng.choice(second)
        return self.rng.choice(SURNAMES) + given, sex

    def phone(self) -> str:
        """A mobile number of the right form (shown masked); not one anyone else has here."""
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}0000{self.rng.randrange(10_000):04d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def party(self, role: str, village: Region, *, company: str = "") -> PartyValues:
        if company:
            return PartyValues(
                role=role,
                name=f"溧阳市{self.rng.choice('恒顺昌盛宏泰金诚')}{self.rng.choice('和信达')}{company}有限公司",
                phone=self.phone(),
                address=f"溧阳市{self.town_names[village.parent_id or '']}",
            )
        born = self.rng.randint(1948, 1998)
        name, sex = self.person(born=born)
        birth = datetime.date(born, self.rng.randint(1, 12), self.rng.randint(1, 28))
        number = idcard.make(
            region=DEMO_COUNTY, birth=birth, sequence=self.rng.randrange(500) * 2 + (sex == "male")
        )
        return PartyValues(
            role=role,
            name=name,
            sex="男" if sex == "male" else "女",
            ethnicity="汉族",
            age=self.today.year - born,
            occupation=self.rng.choice(OCCUPATIONS),
            phone=self.phone(),
            id_number=number,
            address=f"溧阳市{self.town_names[village.parent_id or '']}{short_name(village)}",
        )

    def officer(self, region: Region | str) -> User:
        """Who records for ``region``: the ``village`` demo account in its own community, the
        town's officer elsewhere (an account made for towns without a demo one)."""
        code = region if isinstance(region, str) else region.code
        if self.village_worker.region_id == code:
            return self.village_worker
        town = code[:9].ljust(12, "0")
        if town == COUNTY_CODE:
            return self.county_officer
        if town not in self.officers:
            existing = (
                User.objects.filter(region_id=town, groups__name="town_officer", is_active=True)
                .order_by("pk")
                .first()
            )
            self.officers[town] = existing or self.account(Region.objects.get(code=town))
        return self.officers[town]

    def account(self, town: Region) -> User:
        """A town officer's account without a usable password, as the incubation demo makes
        them: it acts in the story, nobody signs in with it."""
        user = User.objects.create(
            username=f"town{town.code[6:9]}",
            password=make_password(None),
            date_joined=timezone.now(),
            display_name=f"{town.name} {self.rng.choice(SURNAMES)}干事",
            account_type=AccountType.STAFF,
            region=town,
        )
        user.groups.add(Group.objects.get(name="town_officer"))
        return user

    # -- the clock ------------------------------------------------------------------------------

    def clock(self, day: datetime.date) -> contextlib.AbstractContextManager[None]:
        """Run a step on ``day`` in office hours, after the step before it."""
        if day >= self.today:
            raise DemoDataError(f"a step on {day} has not happened yet")
        moment = self.at(day, self.rng.randint(8 * 60 + 30, 17 * 60))
        if moment <= self.last_moment:
            moment = self.last_moment + datetime.timedelta(minutes=self.rng.randint(2, 9))
        self.last_moment = self.moment = moment
        return _clock(moment)

    def run(self, stories: list[Story]) -> None:
        """Run the stories' steps in the order of their days, each at its own moment; a story
        stops at its first step that would fall on today or later."""
        queue: list[tuple[datetime.date, int, Story]] = []
        tick = 0
        for story in stories:
            first = next(story, None)
            if first is not None and first < self.today:
                heapq.heappush(queue, (first, tick, story))
                tick += 1
        while queue:
            day, _tick, story = heapq.heappop(queue)
            with self.clock(day):
                following = next(story, None)
            if following is not None and following < self.today:
                if following < day:
                    raise DemoDataError("a story went back in time")
                heapq.heappush(queue, (following, tick, story))
                tick += 1

    # -- mediators and councils -----------------------------------------------------------------

    def setup(self) -> Story:
        """When the module went live: the committees' mediators entered, and the councils."""
        yield self.live
        for town in self.towns:
            for n in range(self.rng.randint(2, 4)):
                self.mediator(town, f"{town.name}人民调解委员会", full_time=n == 0)
        for village in self.rng.sample(self.all_villages, len(self.all_villages) // 4):
            for _n in range(self.rng.choice((1, 1, 2))):
                self.mediator(village, f"{short_name(village)}人民调解委员会")
        for name in (MARKER, *(n for n in self.organizations if n.endswith("调解工作室"))):
            organization = self.organizations[name]
            for n in range(3 if name == MARKER else 1):
                # A mediation room carries its mediator's surname (昆仑街道老葛调解工作室).
                surname = name.split("老")[-1][:1] if "老" in name else ""
                self.mediator(self.county if name == MARKER else organization.region, name, surname, n == 0)
        yield self.live + datetime.timedelta(days=1)
        self.councils()

    def mediator(self, region: Region, committee: str, surname: str = "", full_time: bool = False) -> None:
        name, _sex = self.person(born=self.rng.randint(1955, 1985))
        row = mediation.save_mediator(
            region=region,
            name=surname + name[1:] if surname else name,
            committee=committee,
            phone=self.phone(),
            is_full_time=full_time,
            by=self.officer(region) if region != self.county else self.county_officer,
        )
        self.mediators[committee if "调解工作室" in committee or committee == MARKER else region.code].append(
            row
        )

    def councils(self) -> None:
        """A 百姓议事堂 in every village whose hall is in the registry, then in others up to
        ``HALL_SHARE``; some other councils; 7–15 members each. Written in bulk, with one
        audit entry: councils and members carry no workflow."""
        registered = {
            o.region_id: o
            for o in Organization.objects.filter(region__parent__parent=self.county, name__endswith=HALL)
        }
        villages = sorted(self.all_villages, key=lambda v: (v.code not in registered, self.rng.random()))
        with_hall = villages[: round(len(villages) * HALL_SHARE)]
        if self.village_worker.region is not None and self.village_worker.region not in with_hall:
            with_hall[-1] = self.village_worker.region
        rows: list[Council] = []
        for village in sorted(with_hall, key=lambda v: v.code):
            short = short_name(village)
            hall = registered.get(village.code)
            established = hall.established_on if hall else None
            established = min(
                established or self.day_in(datetime.date(2017, 3, 1), datetime.date(2023, 12, 31)),
                self.live - datetime.timedelta(days=30),
            )
            place = f"{short}党群服务中心"
            rows.append(
                Council(
                    kind=CouncilKind.HALL,
                    name=f"{short}{HALL}",
                    region=village,
                    established_on=established,
                    place=place,
                )
            )
            other = self.other_council(village, place)
            if other is not None:
                rows.append(other)
        councils = Council.objects.bulk_create(rows)
        members: list[CouncilMember] = []
        for council in councils:
            size = self.rng.randint(7, 15) if council.kind == CouncilKind.HALL else self.rng.randint(7, 9)
            # The members of the current term, since the village committees' elections or later.
            since = min(max(council.established_on or self.live, datetime.date(2024, 3, 1)), self.live)
            offices = [Office.CHAIR, Office.VICE_CHAIR, Office.SECRETARY] + [Office.MEMBER] * (size - 3)
            for office in offices:
                sex = "female" if council.kind == CouncilKind.WOMEN else ""
                name, _sex = self.person(sex, self.rng.randint(1950, 1990))
                members.append(
                    CouncilMember(council=council, name=name, office=office, phone=self.phone(), since=since)
                )
        for member in CouncilMember.objects.bulk_create(members):
            self.members[member.council_id].append(member)
        ActivityEvent.objects.bulk_create(
            [
                ActivityEvent(subject="council", subject_id=c.pk, action="created", actor=self.county_officer)
                for c in councils
            ]
        )
        audit.record(
            event="activities.demo_load",
            target_model=Council,
            target_repr=LOAD,
            actor=None,
            data={"councils": len(councils), "members": len(members)},
            region_code=COUNTY_CODE,
        )

    def other_council(self, village: Region, place: str) -> Council | None:
        """A women's council, a village group's council or a residents' autonomy council in a
        few villages and communities."""
        short, r = short_name(village), self.rng.random()
        since = self.day_in(datetime.date(2019, 1, 1), datetime.date(2024, 6, 30))
        if r < 0.05:
            return Council(
                kind=CouncilKind.WOMEN,
                name=f"{short}妇女议事会",
                region=village,
                place=place,
                established_on=since,
            )
        if r < 0.09 and is_rural(village):
            group = self.rng.choice("一二三四五六")
            return Council(
                kind=CouncilKind.VILLAGE_GROUP,
                name=f"{short}第{group}村民小组议事会",
                region=village,
                place=f"{short}第{group}村民小组活动室",
                established_on=since,
            )
        if r < 0.12 and not is_rural(village):
            return Council(
                kind=CouncilKind.RESIDENTS,
                name=f"{short}居民自治理事会",
                region=village,
                place=place,
                established_on=since,
            )
        return None

    # -- activities -----------------------------------------------------------------------------

    def activities(self) -> list[Story]:
        """The year's activities, each a story: recorded the day after it was held (with its
        attendance list), rated a few days later."""
        stories = []
        contracts = self.contracts()
        for n in range(ACTIVITIES):
            village = self.rng.choice(self.all_villages)
            organization, kinds = self.organizer(village)
            kind = self.rng.choice(kinds)
            held = self.day_in(self.first, self.today - datetime.timedelta(days=2))
            contract = None
            if organization is not None and organization.pk in contracts and n % 8 == 0:
                contract, start, end = contracts[organization.pk]
                held = self.day_in(max(start, self.first), min(end, self.today - datetime.timedelta(days=2)))
            stories.append(self.activity(n, kind, village, held, organization, contract))
        # The association's trainings of the last weeks, whose volunteers' hours still wait.
        marker = self.organizations[MARKER]
        for k in range(3):
            held = self.today - datetime.timedelta(days=3 + 5 * k)
            village = self.rng.choice(self.all_villages)
            stories.append(
                self.activity(ACTIVITIES + k, TRAINING[k % 2], village, held, marker, None, attend=True)
            )
        return stories

    def organizer(self, village: Region) -> tuple[Organization | None, list[Kind]]:
        """Who holds an activity in ``village`` and what it may be: an organization by its
        share (a town's legal service group in its own town), else the village committee."""
        r, upto = self.rng.random(), 0.0
        for name, share, kinds, where in ORGANIZERS:
            upto += share
            if r >= upto:
                continue
            if where == "town":
                name = f"{self.town_names[village.parent_id or '']}法律服务团"
            organization = self.organizations.get(name)
            return (organization, kinds) if organization is not None else (None, VILLAGE_KINDS)
        return None, VILLAGE_KINDS

    def contracts(self) -> dict[int, tuple[Contract, datetime.date, datetime.date]]:
        """The funding demo's contracts being delivered during the year, by organization."""
        found = {}
        for contract in Contract.objects.filter(
            status__in=[ContractStatus.SIGNED, ContractStatus.COMPLETED],
            application__round__region=self.county,
            starts_on__lt=self.today - datetime.timedelta(days=2),
            ends_on__gte=self.first,
        ).select_related("application"):
            found[contract.application.organization_id] = (contract, contract.starts_on, contract.ends_on)
        return found

    def activity(
        self,
        n: int,
        kind: Kind,
        village: Region,
        held: datetime.date,
        organization: Organization | None,
        contract: Contract | None,
        *,
        attend: bool = False,
    ) -> Story:
        yield held + datetime.timedelta(days=1)
        low, high = kind.people
        timed = organization is not None or self.rng.random() < 0.5
        attend = attend or n % 3 == 0
        start, end = self.rng.choice(SLOTS)
        at_place = f"{short_name(village)}{self.rng.choice(('党群服务中心', '新时代文明实践站', '文化广场'))}"
        if kind.kind == ActivityKind.LEGAL_EDUCATION and "children" in kind.groups:
            at_place = f"{self.town_names[village.parent_id or '']}中心小学"
        by = (
            self.org_account
            if organization is not None and organization.name == MARKER
            else self.officer(village)
        )
        values: dict[str, Any] = {
            "place": at_place,
            "field": self.fields.get(kind.field),
            "beneficiaries": self.rng.randint(low, high),
            "description": kind.description,
        }
        if timed:
            values["starts_at"], values["ends_at"] = self.at(held, start), self.at(held, end)
        if contract is not None:
            values["contract"] = contract
        activity = activities.record_activity(
            region=village,
            kind=kind.kind,
            title=kind.title.format(place=short_name(village)),
            held_on=held,
            by=by,
            organization=organization,
            target_groups=[self.groups[code] for code in kind.groups.split()],
            **values,
        )
        if organization is not None and organization.name in WITH_VOLUNTEERS and timed and attend:
            volunteers = self.attendees(organization, activity)
            if volunteers:
                activities.record_attendance(activity, volunteers=volunteers, by=by)
        if organization is not None and organization.name == MARKER and n % 2 == 0:
            for caption in PHOTO_CAPTIONS[: self.rng.randint(1, 2)]:
                activities.add_photo(activity, data=self.photo(), caption=caption, by=by)
        if self.rng.random() < 0.08:
            yield held + datetime.timedelta(days=self.rng.randint(2, 6))
            ratings.submit_rating(
                activity=activity,
                rating=self.rng.choice((3, 4, 4, 5, 5, 5)),
                comment=self.rng.choice(ACTIVITY_COMMENTS),
            )

    def photo(self) -> bytes:
        """A small made-up snapshot of an activity: the red banner on the wall, the audience."""
        rng = self.rng
        image = Image.new("RGB", (320, 240), (rng.randint(215, 235), rng.randint(210, 230), 200))
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 18, 280, 52), fill=(190, 30, 30))
        draw.rectangle((0, 196, 320, 240), fill=(150, 120, 90))
        for row in range(3):
            for seat in range(8):
                x, y = 22 + seat * 38 + rng.randint(-3, 3), 110 + row * 32
                draw.ellipse((x, y, x + 16, y + 16), fill=(40, 35, 30))
                draw.rectangle((x - 4, y + 16, x + 20, y + 30), fill=(rng.randint(40, 200), 80, 120))
        output = io.BytesIO()
        image.save(output, format="JPEG", quality=70)
        return output.getvalue()

    def attendees(self, organization: Organization, activity: Activity) -> list[Volunteer]:
        """Two to five volunteers enrolled with the organizer by then, free at that time (the
        persona volunteer first when it is one of them)."""
        if activity.starts_at is None or activity.ends_at is None:
            return []
        enrolled = list(
            Enrollment.objects.filter(organization=organization, joined_on__lte=activity.held_on)
            .order_by("pk")
            .values_list("volunteer_id", "volunteer__account_id")
        )
        self.rng.shuffle(enrolled)
        enrolled.sort(key=lambda row: row[1] != self.volunteer_account.pk)
        candidates = [pk for pk, _account in enrolled[:12]]
        busy = set(
            ServiceRecord.objects.counting()
            .filter(
                volunteer_id__in=candidates, started_at__lt=activity.ends_at, ended_at__gt=activity.starts_at
            )
            .values_list("volunteer_id", flat=True)
        )
        free = [pk for pk in candidates if pk not in busy][: self.rng.randint(2, 5)]
        found = Volunteer.objects.in_bulk(free)
        return [found[pk] for pk in free]

    def approvals(self) -> Story:
        """Once a month the organizers approve the attendance hours of activities held at least
        three weeks before; the newer ones still wait."""
        day = self.first + datetime.timedelta(days=35)
        while day < self.today:
            yield day
            pending = (
                ServiceRecord.objects.filter(
                    source=HoursSource.ATTENDANCE,
                    status=HoursStatus.PENDING,
                    ended_at__lt=self.at(day - datetime.timedelta(days=21), 0),
                    organization__region__code__startswith=DEMO_COUNTY,
                )
                .order_by("pk")
                .values_list("pk", "organization__name")
            )
            by_organizer: dict[str, list[int]] = defaultdict(list)
            for pk, name in pending:
                by_organizer[name].append(pk)
            for name, ids in sorted(by_organizer.items()):
                decide_many(
                    ids,
                    decision=HoursStatus.APPROVED,
                    by=self.org_account if name == MARKER else self.county_officer,
                )
            day += datetime.timedelta(days=30)

    # -- mediation --------------------------------------------------------------------------------

    def mediation(self) -> list[Story]:
        """The year's cases, spread over the towns by population, each a story; the most recent
        ones are still being mediated."""
        weights = [v.population or 1 for v in self.all_villages]
        disputes = [d.weight for d in DISPUTES]
        stories = []
        days = sorted(self.day_in(self.first, self.today - datetime.timedelta(days=1)) for _n in range(CASES))
        failed = set(self.rng.sample(range(CASES - 12), 4))
        for n, day in enumerate(days):
            village = self.rng.choices(self.all_villages, weights)[0]
            dispute = self.rng.choices(DISPUTES, disputes)[0]
            if dispute.kind == "property_management" and is_rural(village):
                dispute = DISPUTES[0]
            stories.append(self.case(n, day, village, dispute, failed=n in failed))
        return stories

    def committee_of(
        self, n: int, village: Region
    ) -> tuple[Region, str, Organization | None, list[Mediator]]:
        """Where a case is mediated: mostly the village's own committee (its mediators, else the
        town's), sometimes the town's committee, the town's mediation room or the association."""
        town = self.town_of[village.parent_id or ""]
        town_mediators = self.mediators[town.code]
        r = self.rng.random()
        rooms = [
            n for n in self.mediators if "调解工作室" in n and self.organizations[n].region_id == town.code
        ]
        if r < 0.06 and rooms:
            return village, rooms[0], self.organizations[rooms[0]], self.mediators[rooms[0]]
        if r < 0.10:
            return village, MARKER, self.organizations[MARKER], self.rng.sample(self.mediators[MARKER], 2)
        if r < 0.25:
            return (
                town,
                f"{town.name}人民调解委员会",
                None,
                self.rng.sample(town_mediators, min(2, len(town_mediators))),
            )
        own = self.mediators.get(village.code) or [self.rng.choice(town_mediators)]
        return village, f"{short_name(village)}人民调解委员会", None, own

    def case(
        self, n: int, registered: datetime.date, village: Region, dispute: Dispute, *, failed: bool
    ) -> Story:
        yield registered
        region, committee, organization, mediators = self.committee_of(n, village)
        by = self.county_officer if organization is not None else self.officer(region)
        applicant = self.party("applicant", village)
        respondent = self.party("respondent", village, company=dispute.company)
        names = {"a": applicant.name, "b": respondent.name, "place": short_name(village)}
        source = self.rng.choices(
            [CaseSource.APPLICATION, CaseSource.INITIATIVE, CaseSource.POLICE, CaseSource.COURT],
            [60, 30, 7, 3],
        )[0]
        case = mediation.register_case(
            region=region,
            committee=committee,
            organization=organization,
            dispute_type=dispute.kind,
            source=source,
            summary=dispute.summary.format(**names),
            claims=dispute.claims.format(**names),
            registered_on=registered,
            parties=[applicant, respondent],
            by=by,
        )
        if failed and n % 2:  # Art. 17: a party refuses, the mediation does not start
            yield registered + datetime.timedelta(days=2)
            mediation.end_without_agreement(
                case,
                reason=FAILURES[0].format(**names),
                routes_told=ROUTES,
                by=by,
                on=registered + datetime.timedelta(days=2),
            )
            return
        started = registered + datetime.timedelta(days=self.rng.randint(0, 2))
        yield started
        case = mediation.start_mediation(case, mediators=mediators, by=by)
        sitting = started + datetime.timedelta(days=self.rng.randint(0, 6))
        yield sitting
        agreed = not failed
        mediation.record_session(
            case,
            held_at=self.moment - datetime.timedelta(minutes=90),
            place=f"{committee.removesuffix('人民调解委员会')}调解室" if "委员会" in committee else committee,
            participants=f"{'、'.join(m.name for m in mediators)}（调解员），{applicant.name}，{respondent.name}",
            record=(
                f"调解员告知双方当事人的权利义务，双方表示清楚。{dispute.statement.format(**names)}"
                "调解员结合《民法典》相关规定释法说理，引导双方互谅互让。"
            ),
            result="双方达成一致意见" if agreed else "双方分歧较大，调解未成",
            by=by,
        )
        if failed:
            yield sitting + datetime.timedelta(days=self.rng.randint(3, 10))
            mediation.end_without_agreement(
                case,
                reason=self.rng.choice(FAILURES[1:]).format(**names),
                routes_told=ROUTES,
                by=by,
                on=self.moment.date(),
            )
            return
        day = sitting + datetime.timedelta(days=self.rng.choice((0, 0, 0, 1, 3)))
        if registered > self.today - datetime.timedelta(days=12) and n % 2 == 0:
            day += datetime.timedelta(days=self.rng.randint(14, 25))  # a harder one: more sittings ahead
        yield day
        written = self.rng.random() < 0.68 or (dispute.amount is not None and dispute.amount[0] > 10_000)
        amount = None
        if dispute.amount is not None:
            low, high = dispute.amount
            amount = Decimal(self.rng.randint(low // 100, high // 100) * 100)
        case = mediation.conclude_agreement(
            case,
            form="written" if written else "oral",
            terms=dispute.terms.format(**names, amount=f"{amount:,.0f}" if amount else ""),
            agreed_on=day,
            performance_method=dispute.method,
            performance_due=day + datetime.timedelta(days=30),
            amount=amount,
            by=by,
        )
        self.cases.append(case.number)
        last = day
        if written and self.rng.random() < 0.08:
            applied = day + datetime.timedelta(days=self.rng.randint(3, 25))
            confirmed = applied + datetime.timedelta(days=self.rng.randint(5, 15))
            last = confirmed if confirmed < self.today else applied
            yield last
            mediation.record_confirmation(
                case,
                applied_on=applied,
                court=COURT,
                confirmed_on=confirmed if confirmed < self.today else None,
                by=by,
            )
        visit = max(last, day + datetime.timedelta(days=self.rng.randint(20, 45)))
        yield visit
        r = self.rng.random()
        found = (
            Performance.PERFORMED
            if r < 0.92
            else Performance.PARTLY
            if r < 0.97
            else Performance.NOT_PERFORMED
        )
        mediation.record_follow_up(
            case,
            visited_on=visit,
            visitor=mediators[0].name,
            performance=found,
            satisfied=found == Performance.PERFORMED or None,
            note=FOLLOW_UPS[found],
            by=by,
        )
        if self.rng.random() < 0.08:
            yield visit + datetime.timedelta(days=self.rng.randint(1, 5))
            ratings.submit_rating(
                case=case, rating=self.rng.choice((4, 5, 5)), comment=self.rng.choice(CASE_COMMENTS)
            )

    def payments(self) -> Story:
        """The county pays, once a month, the subsidies the cases raised at least three weeks
        before, as it pays the towns' own (funding demo)."""
        day = self.first + datetime.timedelta(days=40)
        number = 0
        while day < self.today:
            yield day
            due = CaseSubsidy.objects.filter(
                case_reference__in=self.cases,
                status=CaseSubsidyStatus.GRANTED,
                raised_on__lte=day - datetime.timedelta(days=21),
            ).order_by("raised_on", "pk")
            for subsidy in due:
                number += 1
                subsidies.pay_case_subsidy(
                    subsidy,
                    paid_on=day,
                    voucher=f"溧财拨〔{day.year}〕调{number:04d}号",
                    by=self.county_officer,
                )
            day += datetime.timedelta(days=30)

    # -- deliberation ---------------------------------------------------------------------------

    def deliberation(self) -> list[Story]:
        """Meetings of the year: every hall of 戴埠镇 and 天目湖镇 three times, a fifth of the other
        councils once or twice; the election; one meeting short of its quorum; a few planned."""
        stories: list[Story] = []
        councils = list(
            Council.objects.filter(region__parent__parent=self.county)
            .select_related("region")
            .order_by("region_id", "pk")
        )
        busy = {"320481103000", "320481106000"}
        election = next(
            c for c in councils if c.region_id == self.village_worker.region_id and c.kind == CouncilKind.HALL
        )
        short = self.rng.choice(
            [c for c in councils if c.region_id[:9] == "320481106" and c.kind == CouncilKind.HALL]
        )
        upcoming = 0
        for council in councils:
            town = council.region_id[:9].ljust(12, "0")
            if town in busy and council.kind == CouncilKind.HALL:
                count = 3
            elif self.rng.random() < (0.2 if council.kind == CouncilKind.HALL else 0.4):
                count = self.rng.choice((1, 1, 2))
            else:
                continue
            step = DAYS // count
            for k in range(count):
                held = self.first + datetime.timedelta(days=k * step + self.rng.randint(10, step - 5))
                kind = MeetingKind.ORDINARY
                if council == election and k == 2:
                    kind = MeetingKind.ELECTION
                stories.append(self.meeting(council, held, kind, quorum=not (council == short and k == 1)))
            if upcoming < 4 and town in busy:
                upcoming += 1
                stories.append(self.meeting(council, self.today + datetime.timedelta(days=7 + upcoming * 3)))
        return stories

    def meeting(
        self, council: Council, held: datetime.date, kind: str = MeetingKind.ORDINARY, quorum: bool = True
    ) -> Story:
        topic, decision, responsible = self.rng.choice(AGENDAS)
        by = self.officer(council.region)
        if kind == MeetingKind.ELECTION:
            topic = "议事堂换届选举"
        yield min(
            held - datetime.timedelta(days=self.rng.randint(5, 10)), self.today - datetime.timedelta(days=1)
        )
        meeting = deliberation.plan_meeting(
            council,
            kind=kind,
            held_on=held,
            agenda=f"一、{topic}；二、通报上次议定事项落实情况；三、其他事项。",
            by=by,
        )
        yield held
        # The members as loaded (the only change of membership, the election's, follows the
        # last meeting of its council), ordered as members_on orders them: the chair first.
        members = [m for m in self.members[council.pk] if m.since <= held]
        members.sort(key=lambda m: (m.office, m.name))
        present = len(members) // 2 if not quorum else self.rng.randint(len(members) * 3 // 4, len(members))
        if kind == MeetingKind.ELECTION:
            present = max(present, -(-len(members) * 2 // 3))
        attendees = self.rng.sample(members, present)
        meeting = deliberation.record_meeting(
            meeting,
            attendees=attendees,
            minutes=(
                f"会议由{members[0].name}主持，应到{len(members)}人，实到{present}人。"
                + (
                    f"围绕“{topic}”进行协商，与会成员充分发表意见。"
                    if quorum
                    else "到会人数未过半数，会议不作决定，议题改期再议。"
                )
            ),
            by=by,
        )
        if not quorum:
            return
        newcomer = ""
        if kind == MeetingKind.ELECTION:
            newcomer, _sex = self.person(born=self.rng.randint(1965, 1985))
            text = f"选举{newcomer}为新一届议事堂主任，原主任{members[0].name}任期届满不再担任。"
            row = deliberation.record_decision(
                meeting, text=text, votes_for=present - 1, votes_against=0, abstentions=1, by=by
            )
        else:
            against, abstain = self.rng.randint(0, 2), self.rng.randint(0, 1)
            if (present - against - abstain) * 2 <= present:
                against = abstain = 0
            row = deliberation.record_decision(
                meeting,
                text=decision,
                votes_for=present - against - abstain,
                votes_against=against,
                abstentions=abstain,
                responsible=responsible,
                due_on=held + datetime.timedelta(days=60),
                by=by,
            )
        published = held + datetime.timedelta(days=self.rng.randint(2, 7))
        if kind == MeetingKind.ELECTION or self.rng.random() < 0.88:
            yield published
            deliberation.publish_minutes(meeting, by=by)
        if kind == MeetingKind.ELECTION:
            yield published + datetime.timedelta(days=1)
            chair = next(m for m in members if m.office == Office.CHAIR)
            deliberation.end_membership(chair, until=held, by=by)
            since = held + datetime.timedelta(days=1)
            deliberation.add_member(
                council, name=newcomer, office=Office.CHAIR, since=since, phone=self.phone(), by=by
            )
            return
        start = held + datetime.timedelta(days=self.rng.randint(10, 25))
        yield start
        r = self.rng.random()
        if r < 0.08:
            deliberation.follow_decision(row, to=DecisionStatus.DROPPED, note=DROPPED, by=by)
        elif r < 0.6:  # small matters are done at once
            deliberation.follow_decision(row, to=DecisionStatus.DONE, note=DONE, on=start, by=by)
        else:
            deliberation.follow_decision(row, to=DecisionStatus.IN_PROGRESS, note=IN_PROGRESS, by=by)
            done = start + datetime.timedelta(days=self.rng.randint(20, 70))
            yield done
            deliberation.follow_decision(row, to=DecisionStatus.DONE, note=DONE, on=done, by=by)

    # -- the whole ------------------------------------------------------------------------------

    def build(self) -> None:
        self.run([self.setup()])
        self.run(
            [*self.activities(), self.approvals(), *self.mediation(), self.payments(), *self.deliberation()]
        )
        if not Meeting.objects.filter(quorum_met=False).exists():
            raise DemoDataError("no meeting short of its quorum")
        if not Rating.objects.exists():
            raise DemoDataError("no rating")
        if not MediationCase.objects.filter(region__code__startswith=DEMO_COUNTY).exists():
            raise DemoDataError("no case")
