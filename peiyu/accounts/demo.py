"""Demo accounts, one per role, all with the password in ``DEMO_PASSWORD``."""

from __future__ import annotations

from dataclasses import dataclass

from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.regions.models import Level, Region

DEMO_PASSWORD = "Peiyu@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    region: str | None  # a short code, or None for accounts bound to their own records


DAIBU = "320481103"  # 戴埠镇
TIANMUHU = "320481106"  # 天目湖镇

ACCOUNTS = [
    DemoAccount("admin", "administrator", "系统管理员", "320481"),
    DemoAccount("county", "county_officer", "溧阳市民政局 王科长", "320481"),
    DemoAccount("daibu", "town_officer", "戴埠镇 李干事", DAIBU),
    DemoAccount("tianmuhu", "town_officer", "天目湖镇 张干事", TIANMUHU),
    DemoAccount("village", "village_worker", "村居工作人员 陈", "village-of-daibu"),
    DemoAccount("incubator", "incubator_operator", "溧阳市社会组织孵化中心", None),
    DemoAccount("org", "organization", "溧阳市人民调解协会", None),
    DemoAccount("expert", "expert", "评审专家 刘教授", None),
    DemoAccount("volunteer", "volunteer", "志愿者 赵", None),
]


def _region(code: str | None) -> Region | None:
    if code is None:
        return None
    if code == "village-of-daibu":
        return (
            Region.objects.filter(parent_id=DAIBU.ljust(12, "0"), level=Level.VILLAGE)
            .order_by("code")
            .first()
        )
    return Region.objects.get(code=code.ljust(12, "0"))


def build() -> list[tuple[DemoAccount, User]]:
    result = []
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = create_account(
                username=account.username,
                password=DEMO_PASSWORD,
                role=account.role,
                region=_region(account.region),
                display_name=account.name,
                by=None,
            )
        result.append((account, user))
    return result
