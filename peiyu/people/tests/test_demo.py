"""The people demo: volunteers with two years of hours, experts, social workers and legal
advisers of 溧阳市, on the registry demo.

Building the demo takes a few seconds, so one test builds it (with 200 volunteers) and checks
everything."""

import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.lib import idcard
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.models import DocumentCounter
from peiyu.people import demo
from peiyu.people.models import (
    Affiliation,
    Assignment,
    Certificate,
    CertificateStatus,
    CheckIn,
    Engagement,
    Enrollment,
    Expert,
    HoursSource,
    HoursStatus,
    LegalAdviser,
    ServiceActivity,
    ServiceRecord,
    SocialWorker,
    Team,
    Training,
    Volunteer,
    WorkKind,
    WorkLog,
)
from peiyu.people.options import STAR_THRESHOLDS, star_level
from peiyu.regions import demo as regions_demo
from peiyu.regions.models import Level, Region
from peiyu.testing import LIYANG

COUNT = 200


def _snapshot() -> dict[str, Any]:
    models = [
        Volunteer,
        Enrollment,
        Team,
        ServiceActivity,
        ServiceRecord,
        CheckIn,
        Certificate,
        Expert,
        Affiliation,
        Engagement,
        SocialWorker,
        Training,
        LegalAdviser,
        Assignment,
        WorkLog,
        User,
        AuditEntry,
    ]
    return {
        **{model.__name__: model.objects.count() for model in models},
        "minutes": Volunteer.objects.aggregate(total=Sum("approved_minutes"))["total"],
        "counters": sorted(DocumentCounter.objects.values_list("office_id", "series", "year", "last")),
    }


def _overlaps() -> int:
    """Pairs of records of one volunteer, neither declined, whose times overlap."""
    table = ServiceRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM {table} a JOIN {table} b
              ON a.volunteer_id = b.volunteer_id AND a.id < b.id
             AND a.started_at < b.ended_at AND b.started_at < a.ended_at
             WHERE a.status <> %s AND b.status <> %s
            """,  # noqa: S608 - the table name is the model's
            [HoursStatus.DECLINED, HoursStatus.DECLINED],
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_people_demo_of_liyang(regions: None) -> None:
    regions_demo.build()
    accounts_demo.build()
    orgs_demo.build()
    assert demo.build(volunteers=COUNT) == COUNT + 1  # and the volunteer demo account's own

    volunteers = Volunteer.objects.all()
    # Real identities of 溧阳市, born 1950–2008, with plausible mobiles, in its villages.
    for v in volunteers.select_related("region"):
        assert idcard.validate(v.id_number) == v.id_number and v.id_number.startswith(LIYANG)
        assert 1950 <= idcard.birth_date(v.id_number).year <= 2008
        assert v.birth_date == idcard.birth_date(v.id_number) and v.sex == idcard.sex(v.id_number)
        assert re.fullmatch(r"1[3-9]\d{9}", v.phone), v.phone
        assert v.region.level == Level.VILLAGE and v.region.code.startswith(LIYANG)
        assert v.number.startswith(LIYANG) and len(v.number) == 14
        assert v.registered_at <= timezone.now()
    assert set(volunteers.values_list("registered_via", flat=True)) == {
        "portal",
        "organization",
        "staff",
        "import",
    }
    # Those who registered on the portal have an account of their own.
    assert not volunteers.filter(registered_via="portal", account=None).exists()
    assert not volunteers.exclude(registered_via="portal").exclude(account=None).exists()
    assert not volunteers.annotate(n=Count("enrollments")).filter(n=0).exists()

    # The stored totals are the sum of the approved records, and the stars follow them.
    thresholds = STAR_THRESHOLDS.default
    summed = volunteers.annotate(
        summed=Sum("service_records__minutes", filter=Q(service_records__status=HoursStatus.APPROVED))
    ).values_list("approved_minutes", "summed", "star_level")
    for stored, total, level in summed:
        assert stored == (total or 0)
        assert level == star_level(stored / 60, thresholds)
    stars = dict(volunteers.values_list("star_level").annotate(n=Count("id")))
    assert stars[0] > COUNT / 2
    assert stars.get(1, 0) + stars.get(2, 0) > stars.get(3, 0) + stars.get(4, 0) + stars.get(5, 0)

    # Records never overlap for one person, and span no more than a working day.
    assert _overlaps() == 0
    records = ServiceRecord.objects.all()
    assert records.count() > 20 * COUNT
    assert not records.filter(ended_at__gt=timezone.now()).exists()
    assert not records.filter(minutes__gt=12 * 60).exists()
    statuses = dict(records.values_list("status").annotate(n=Count("id")))
    assert statuses[HoursStatus.APPROVED] > 0.9 * records.count()
    assert statuses[HoursStatus.PENDING] >= 5 and statuses[HoursStatus.DECLINED] >= 5
    assert not records.filter(status=HoursStatus.DECLINED, decline_reason="").exists()
    assert not records.filter(status=HoursStatus.PENDING).exclude(decided_at=None).exists()
    assert set(records.values_list("source", flat=True)) == {
        HoursSource.RECORDED,
        HoursSource.SELF_REPORTED,
        HoursSource.CHECK_IN,
    }
    # Organizers' own records are approved as made; check-ins come from an activity.
    assert not records.filter(source=HoursSource.RECORDED, status=HoursStatus.PENDING).exists()
    check_ins = records.filter(source=HoursSource.CHECK_IN)
    assert not check_ins.filter(activity=None).exists()
    assert CheckIn.objects.exclude(record=None).count() == check_ins.count()
    # Volunteers report and check in for themselves, with their account.
    assert not records.filter(source=HoursSource.SELF_REPORTED, volunteer__account=None).exists()

    # The demo organization's activities: one today with check-in open, some to come.
    org = User.objects.get(username="org")
    activities = ServiceActivity.objects.filter(organization__accounts=org)
    now = timezone.now()
    assert activities.filter(starts_at__lte=now, ends_at__gte=now, is_open=True).count() == 1
    assert activities.filter(starts_at__gt=now).count() >= 3
    assert ServiceRecord.objects.visible_to(org).filter(status=HoursStatus.PENDING).exists()

    # The volunteer demo account's own record: approved and pending hours, a certificate.
    own = Volunteer.objects.get(account__username="volunteer")
    assert own.approved_minutes > 0 and own.star_level >= 1
    assert own.service_records.filter(status=HoursStatus.PENDING).count() >= 2
    assert own.certificates.filter(status=CertificateStatus.ISSUED).exists()
    certificates = Certificate.objects.all()
    assert certificates.filter(status=CertificateStatus.ISSUED).count() >= 3
    assert certificates.filter(status=CertificateStatus.REQUESTED).count() >= 1
    for certificate in certificates.filter(status=CertificateStatus.ISSUED):
        approved = certificate.volunteer.service_records.filter(
            organization=certificate.organization, status=HoursStatus.APPROVED
        ).aggregate(total=Sum("minutes"))["total"]
        assert certificate.minutes == approved and certificate.number

    # The expert pool, the expert demo account among it; social workers in communities.
    assert Expert.objects.count() == 30
    assert Expert.objects.get(account__username="expert").title == "教授"
    assert Expert.objects.filter(fields__isnull=False).distinct().count() == 30
    assert Affiliation.objects.exclude(until=None).exists() and Engagement.objects.exists()
    workers = SocialWorker.objects.select_related("community")
    assert workers.count() == 20
    assert {w.level for w in workers} >= {"assistant", "intermediate", "senior"}
    assert workers.filter(level="assistant").count() > workers.filter(level="intermediate").count()
    assert all(w.community.level == Level.VILLAGE for w in workers)
    assert sum(1 for w in workers if w.community.is_urban) >= 15
    assert all(idcard.validate(w.id_number) for w in workers)
    assert Training.objects.count() >= 20

    # A legal adviser for every town, serving some of its villages, with a year of work.
    towns = [t for t in Region.objects.filter(parent_id=LIYANG.ljust(12, "0")) if orgs_demo.is_real_town(t)]
    for town in towns:
        adviser = LegalAdviser.objects.get(region=town)
        villages = adviser.assignments.exclude(village=None)
        assert villages.count() >= 3
        assert all(a.village is not None and a.village.parent_id == town.code for a in villages)
        assert adviser.assignments.exclude(organization=None).exists()
        assert adviser.work_logs.count() >= 40
    assert set(WorkLog.objects.values_list("kind", flat=True)) == set(WorkKind.values)

    # One audit entry for the bulk load.
    assert AuditEntry.objects.filter(event="people.demo_load").count() == 1

    before = _snapshot()
    assert demo.build(volunteers=COUNT) == COUNT + 1
    assert _snapshot() == before
