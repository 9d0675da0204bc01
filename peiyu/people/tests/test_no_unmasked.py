"""No page, export, PDF or API response of the demo shows an identity number or a mobile phone
in full, for any persona. The crawl follows the links each persona can see, so a new page is
scanned as soon as something links to it."""

from __future__ import annotations

import io
import re
from collections import Counter, deque

import docx
import openpyxl
import pypdfium2 as pdfium
import pytest
from django.test import Client

from peiyu.accounts import demo as accounts_demo
from peiyu.accounts.models import User
from peiyu.activities import demo as activities_demo
from peiyu.activities.models import CouncilMember, MediationCase, Mediator, Party
from peiyu.funding import demo as funding_demo
from peiyu.funding.models import Contract, Need, Objection
from peiyu.incubation import demo as incubation_demo
from peiyu.incubation.models import IntakeApplication, StaffMember
from peiyu.lib import idcard
from peiyu.orgs import demo as orgs_demo
from peiyu.orgs.models import Application, Organization
from peiyu.people import demo as people_demo
from peiyu.people.models import Certificate, CertificateStatus, Expert, LegalAdviser, SocialWorker, Volunteer
from peiyu.regions import demo as regions_demo
from peiyu.supervision import demo as supervision_demo
from peiyu.supervision.models import CitizenReport

pytestmark = pytest.mark.django_db
LINK = re.compile(r'(?:href|src)="(/[^"#]*)"')
# A phone stands apart from other digits and masking stars, and from hex letters: the random
# hex tokens in QR links (satisfaction forms, check-ins) may hold eleven digits in a row.
MOBILE = re.compile(r"(?<![\dA-Fa-f*])1[3-9]\d{9}(?![\dA-Fa-f*])")
IDENTITY = re.compile(r"(?<![\dA-Z*])\d{17}[\dX](?![\dA-Z*])")
SKIP = (
    "/accounts/logout",
    "/i18n/",
    "/django-admin",
    "/static/",
    "/api/v1/docs",
    "/jsi18n/",
    "/accounts/otp",
)
PAGES_PER_PATTERN = 3
PAGES_PER_PERSONA = 400


def secrets() -> set[str]:
    """Every identity number and phone stored anywhere."""
    values: set[str] = set()
    for model, fields in (
        (Volunteer, ("id_number", "phone")),
        (SocialWorker, ("id_number", "phone")),
        (Expert, ("phone",)),
        (LegalAdviser, ("phone",)),
        (Organization, ("leader_phone", "contact_phone")),
        (Application, ("applicant_phone",)),
        (User, ("phone",)),
        (CitizenReport, ("contact",)),
        (IntakeApplication, ("contact_phone",)),
        (StaffMember, ("phone",)),
        (Need, ("contact",)),
        (Objection, ("contact",)),
        (Party, ("phone", "id_number")),
        (Mediator, ("phone",)),
        (CouncilMember, ("phone",)),
    ):
        for row in model.objects.values_list(*fields):
            values.update(v for v in row if v and len(v) >= 11)
    return values


def leaks(text: str, known: set[str]) -> list[str]:
    found = list(MOBILE.findall(text))
    for candidate in IDENTITY.findall(text):
        try:
            idcard.validate(candidate)
        except idcard.IdCardError:
            continue
        found.append(candidate)
    found += [value for value in known if value in text]
    return found


def text_of(response: object) -> str:
    kind = response["Content-Type"]  # type: ignore[index]
    body = response.content  # type: ignore[attr-defined]
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(c)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if "pdf" in kind:
        document = pdfium.PdfDocument(body)
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    if kind.startswith(("text/", "application/json")):
        return body.decode("utf-8", "replace")
    return ""


def pattern(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0]) + (
        "?" + re.sub(r"=[^&]*", "=", url.split("?")[1]) if "?" in url else ""
    )


def crawl(client: Client, starts: list[str], known: set[str]) -> tuple[int, list[tuple[str, str]]]:
    queue, seen, per_pattern, problems = deque(starts), set(starts), Counter[str](), []
    visited = 0
    while queue and visited < PAGES_PER_PERSONA:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code != 200:
            continue
        text = text_of(response)
        problems += [(url, leak) for leak in leaks(text, known)]
        if "text/html" not in response["Content-Type"]:
            continue
        for link in LINK.findall(text):
            link = link.replace("&amp;", "&")
            if link in seen or link.startswith(SKIP):
                continue
            key = pattern(link)
            if per_pattern[key] >= PAGES_PER_PATTERN:
                continue
            per_pattern[key] += 1
            seen.add(link)
            queue.append(link)
    return visited, problems


def test_no_unmasked_identity_or_phone_anywhere_in_the_demo() -> None:
    regions_demo.build()
    accounts = {account.username: user for account, user in accounts_demo.build()}
    orgs_demo.build()
    people_demo.build(volunteers=120)
    supervision_demo.build()
    incubation_demo.build()
    funding_demo.build()
    activities_demo.build()
    known = secrets()
    assert Need.objects.exclude(contact="").exists() and Objection.objects.exclude(contact="").exists()
    assert len(known) > 200  # the demo does hold personal data to leak
    issued = Certificate.objects.filter(status=CertificateStatus.ISSUED).first()
    assert issued is not None
    api = [
        "/api/v1/me/volunteer",
        "/api/v1/me/hours",
        "/api/v1/me/certificates",
        "/api/v1/volunteers",
        "/api/v1/organizations",
        "/api/v1/hsds/organizations",
        f"/api/v1/certificates/{issued.number}",
        "/api/v1/incubators",
        "/api/v1/residencies",
        "/api/v1/rounds",
        "/api/v1/funding/applications",
    ]
    funded = Contract.objects.order_by("pk").first()
    assert funded is not None
    case = MediationCase.objects.filter(status="succeeded", parties__id_number__gt="").order_by("pk").first()
    assert case is not None and Party.objects.exclude(phone="").exists()
    starts = [
        "/",
        "/workbench/",
        *api,
        f"/certificates/{issued.number}/",
        "/supervision/citizen-reports/",
        "/incubation/",
        "/incubation/intake/?status=",
        "/funding/needs/",
        "/funding/needs/?status=",
        "/funding/needs/?format=xlsx",
        "/funding/rounds/",
        "/funding/contracts/",
        f"/funding/rounds/{funded.application.round_id}/objections/",
        "/funding/reviews/",
        "/funding/case-subsidies/",
        "/activities/",
        "/activities/cases/",
        "/activities/cases/?status=succeeded",
        f"/activities/cases/{case.pk}/",
        f"/activities/cases/{case.pk}/case-file.docx",
        "/activities/cases/export.xlsx",
        "/activities/mediators/",
        "/activities/councils/",
        "/activities/decisions/",
        "/activities/satisfaction/",
        "/api/v1/activities",
    ]
    total = 0
    for username in ("county", "daibu", "village", "admin", "incubator", "org", "expert", "volunteer"):
        client = Client()
        client.force_login(accounts[username])
        visited, problems = crawl(client, starts, known)
        total += visited
        assert not problems, f"{username}: {problems[:5]}"
    public = [
        "/",
        "/directory/",
        "/incubators/",
        "/rounds/",
        f"/rounds/{funded.application.round_id}/",
        f"/feedback/{funded.feedback_token}/",
        f"/rate/{case.feedback_token}/",
        "/minutes/",
        f"/certificates/{issued.number}/",
        *api,
    ]
    visited, problems = crawl(Client(), public, known)
    assert not problems, problems[:5]
    assert total > 300
