"""Incubators, their staff, their intake scoring form and growth rubric, and calls for intake."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.incubation.models import (
    CALL_TRANSITIONS,
    Call,
    Criterion,
    Dimension,
    Incubator,
    Level,
    StaffMember,
)
from peiyu.incubation.services.common import event, locked, move, require
from peiyu.orgs.models import Field, Organization
from peiyu.regions.models import Region

# The scoring form and the growth rubric every new incubator starts with; its operator adapts
# them. The intake form weighs what seed 000 五(一) and seed 002 二(二) look for in a group.
DEFAULT_CRITERIA = (
    ("服务需求契合度", 25, "回应辖区群众的实际需求，服务对象明确"),
    ("公益性与宗旨", 20, "非营利、宗旨清楚，符合社会组织培育方向"),
    ("骨干团队", 20, "有稳定的负责人和骨干成员，分工清楚"),
    ("项目设想可行性", 20, "服务内容、活动计划和资源来源具体可行"),
    ("发展潜力", 15, "有望在孵化期内具备备案或登记条件"),
)
DEFAULT_DIMENSIONS = (
    ("治理结构", 20, "低：无章程、无议事规则；中：有章程，按时开会；高：理事会、监事健全，决策有记录"),
    ("团队建设", 20, "低：只靠负责人；中：有三名以上骨干；高：骨干稳定，有志愿者队伍和培训"),
    ("项目能力", 20, "低：活动零散；中：有年度计划；高：能独立设计、执行并总结项目"),
    ("财务管理", 20, "低：无账目；中：有收支记录；高：规范记账，接受财务托管或审计"),
    ("资源链接与影响", 20, "低：无外部资源；中：与村（社区）合作；高：获得购买服务或公益创投，群众认可"),
)


@dataclass(frozen=True)
class IncubatorValues:
    name: str
    level: str
    region: Region
    address: str
    capacity: int
    operator: Organization | None = None
    floor_area: int | None = None
    phone: str = ""
    fields: Sequence[Field] = ()
    description: str = ""
    opened_on: datetime.date | None = None


def _check_level(values: IncubatorValues) -> None:
    wanted = {Level.COUNTY: "county", Level.TOWN: "town"}[Level(values.level)]
    if values.region.level != wanted:
        raise DomainError(_("A county incubation centre belongs to a county, a town station to a town."))


@audit.service("incubation.create_incubator")
def create_incubator(*, values: IncubatorValues, by: User | None) -> Incubator:
    if by is not None:
        require(by, "incubation.add_incubator")
    _check_level(values)
    incubator = Incubator.objects.create(
        name=values.name,
        level=values.level,
        region=values.region,
        operator=values.operator,
        capacity=values.capacity,
        address=values.address,
        floor_area=values.floor_area,
        phone=values.phone,
        description=values.description,
        opened_on=values.opened_on,
    )
    incubator.fields.set(values.fields)
    Criterion.objects.bulk_create(
        Criterion(incubator=incubator, name=n, max_points=p, guidance=g, order=i)
        for i, (n, p, g) in enumerate(DEFAULT_CRITERIA, 1)
    )
    Dimension.objects.bulk_create(
        Dimension(incubator=incubator, name=n, max_points=p, anchors=a, order=i)
        for i, (n, p, a) in enumerate(DEFAULT_DIMENSIONS, 1)
    )
    event(subject=incubator, action="created", by=by)
    return incubator


_INCUBATOR_COLUMNS = ("name", "level", "region", "operator", "capacity", "address", "floor_area", "phone")


@audit.service("incubation.update_incubator")
def update_incubator(
    incubator: Incubator, *, values: IncubatorValues, by: User, seen_version: int | None = None
) -> Incubator:
    require(by, "incubation.change_incubator")
    incubator = locked(incubator, seen_version=seen_version)
    if values.level != incubator.level or values.region.pk != incubator.region_id:
        # Only the county moves an incubator or changes its level.
        require(by, "incubation.add_incubator")
    _check_level(values)
    for name in _INCUBATOR_COLUMNS:
        setattr(incubator, name, getattr(values, name))
    incubator.description = values.description
    incubator.opened_on = values.opened_on
    incubator.version = F("version") + 1
    incubator.save(update_fields=[*_INCUBATOR_COLUMNS, "description", "opened_on", "version", "updated_at"])
    incubator.refresh_from_db(fields=["version"])
    incubator.fields.set(values.fields)
    return incubator


@audit.service("incubation.link_operator_account")
def link_operator_account(incubator: Incubator, *, account: User, by: User) -> None:
    """Let an incubator-operator account run this incubator."""
    require(by, "incubation.add_incubator")
    if account.account_type != AccountType.INCUBATOR_OPERATOR:
        raise DomainError(_("Only an incubator-operator account can run an incubator."))
    incubator.accounts.add(account)
    event(subject=incubator, action="account_linked", by=by, note=account.username)


@audit.service("incubation.save_staff")
def save_staff(incubator: Incubator, *, rows: Sequence[dict[str, Any]], by: User) -> None:
    """Replace the staff list with ``rows`` (name, duty, phone, is_social_worker)."""
    require(by, "incubation.change_incubator")
    StaffMember.objects.filter(incubator=incubator).delete()
    StaffMember.objects.bulk_create(
        StaffMember(
            incubator=incubator,
            name=row["name"],
            duty=row["duty"],
            phone=row.get("phone", ""),
            is_social_worker=bool(row.get("is_social_worker")),
        )
        for row in rows
    )


def _save_lines(
    model: type[Criterion] | type[Dimension], incubator: Incubator, rows: Sequence[dict[str, Any]]
) -> None:
    """Update the lines by id and add new ones; a line is retired (``is_active``), never
    deleted, because scores already given refer to it."""
    existing = {line.pk: line for line in model.objects.filter(incubator=incubator)}
    if not any(row.get("is_active", True) for row in rows):
        raise DomainError(_("Keep at least one line in use."))
    for order, row in enumerate(rows, 1):
        line = existing.get(row.get("id") or 0) or model(incubator=incubator)
        line.name = row["name"]
        line.max_points = row["max_points"]
        line.order = order
        line.is_active = row.get("is_active", True)
        if isinstance(line, Criterion):
            line.guidance = row.get("guidance", "")
        else:
            line.anchors = row.get("anchors", "")
        line.save()


@audit.service("incubation.save_criteria")
def save_criteria(incubator: Incubator, *, rows: Sequence[dict[str, Any]], by: User) -> None:
    require(by, "incubation.change_criterion")
    _save_lines(Criterion, incubator, rows)


@audit.service("incubation.save_dimensions")
def save_dimensions(incubator: Incubator, *, rows: Sequence[dict[str, Any]], by: User) -> None:
    require(by, "incubation.change_dimension")
    _save_lines(Dimension, incubator, rows)


@dataclass(frozen=True)
class CallValues:
    title: str
    text: str
    places: int
    opens_on: datetime.date
    closes_on: datetime.date
    need: str = ""
    fields: Sequence[Field] = ()


def _check_call(values: CallValues) -> None:
    if values.closes_on < values.opens_on:
        raise DomainError(_("A call closes on or after the day it opens."))


@audit.service("incubation.create_call")
def create_call(incubator: Incubator, *, values: CallValues, by: User | None) -> Call:
    if by is not None:
        require(by, "incubation.add_call")
    _check_call(values)
    call = Call.objects.create(
        incubator=incubator,
        title=values.title,
        text=values.text,
        need=values.need,
        places=values.places,
        opens_on=values.opens_on,
        closes_on=values.closes_on,
        created_by=by if by is not None and by.pk else None,
    )
    call.fields.set(values.fields)
    event(subject=call, action="created", by=by)
    return call


@audit.service("incubation.update_call")
def update_call(call: Call, *, values: CallValues, by: User, seen_version: int | None = None) -> Call:
    require(by, "incubation.change_call")
    _check_call(values)
    call = locked(call, seen_version=seen_version)
    for name in ("title", "text", "need", "places", "opens_on", "closes_on"):
        setattr(call, name, getattr(values, name))
    call.version += 1
    call.save(update_fields=["title", "text", "need", "places", "opens_on", "closes_on", "version"])
    call.fields.set(values.fields)
    return call


@audit.service("incubation.move_call")
def move_call(call: Call, *, to: str, by: User | None, seen_version: int | None = None) -> Call:
    """Publish a call (open) or close it."""
    if by is not None:
        require(by, "incubation.change_call")
    call = locked(call, seen_version=seen_version)
    return move(call, to=to, transitions=CALL_TRANSITIONS, by=by)
