from collections.abc import Callable
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.models import AuditEntry
from peiyu.core.services import purge_audit_entries
from peiyu.core.tasks import next_night, purge_audit_task

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def test_administrators_browse_only_their_regions_entries(
    client: Client, administrator: User, jintan_administrator: User, daibu_officer: User, login: Login
) -> None:
    client.post("/accounts/login/", {"username": "daibu", "password": "wrong"})
    liyang = login(administrator).get("/audit/", {"event": "auth.login_failed"})
    assert [e.object_repr for e in liyang.context["page"].object_list] == ["daibu"]
    jintan = login(jintan_administrator).get("/audit/", {"event": "auth.login_failed"})
    assert list(jintan.context["page"].object_list) == []


def test_audit_log_is_refused_without_the_permission(
    client: Client, county_officer: User, login: Login
) -> None:
    assert client.get("/audit/").status_code == 302
    assert login(county_officer).get("/audit/").status_code == 403


def test_filters_and_export(administrator: User, login: Login) -> None:
    browser = login(administrator)
    new = {
        "username": "clerk",
        "display_name": "文员",
        "role": "village_worker",
        "region_code": "320481103201",
    }
    browser.post("/accounts/users/new/", {**new, "password": "Strong-pass-2026"})
    assert User.objects.filter(username="clerk").exists()
    response = browser.get("/audit/", {"actor": "nobody-like-this"})
    assert list(response.context["page"].object_list) == []
    today = timezone.localdate().isoformat()
    response = browser.get("/audit/", {"event": "accounts.", "since": today, "until": today})
    events = {e.event for e in response.context["page"].object_list}
    assert events == {"accounts.create"}
    export = browser.get("/audit/", {"event": "accounts.", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("时间", "事件")
    assert len(rows) - 1 == response.context["page"].paginator.count
    assert browser.get("/audit/", {"since": "not-a-date"}).status_code == 200


def _old_entry(days: int, administrator: User) -> AuditEntry:
    entry = audit.record(event="test.old", target=administrator, region_code="320481000000")
    AuditEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=days))
    return entry


def test_purge_keeps_at_least_180_days(administrator: User) -> None:
    with pytest.raises(DomainError):
        purge_audit_entries(keep_days=179)
    old = _old_entry(400, administrator)
    recent = _old_entry(179, administrator)
    assert purge_audit_entries(keep_days=180) == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(event="audit.purge").get().additional_data["deleted"] == 1


# The worker closes its database connection when it stops, as in production; only a
# transactional test survives that.
@pytest.mark.django_db(transaction=True)
def test_the_purge_runs_as_a_background_task_and_reschedules_itself(
    administrator: User, settings: object
) -> None:
    settings.AUDIT_RETENTION_DAYS = 365  # type: ignore[attr-defined]
    old = _old_entry(500, administrator)
    result = purge_audit_task.enqueue()
    call_command("db_worker", batch=True, queue_name="*", reload=False, verbosity=0)
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(id=result.id).return_value == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.task_path == purge_audit_task.module_path
    assert waiting.run_after == next_night()


def test_scheduling_twice_enqueues_once() -> None:
    from peiyu.core.management.commands.schedule_tasks import PERIODIC

    call_command("schedule_tasks", verbosity=0)
    call_command("schedule_tasks", verbosity=0)
    waiting = DBTaskResult.objects.filter(status="READY")
    assert sorted(waiting.values_list("task_path", flat=True)) == sorted(t.module_path for t in PERIODIC)
    assert len(PERIODIC) == 2


def test_next_night_is_02_30_local_time() -> None:
    moment = next_night()
    local = timezone.localtime(moment)
    assert (local.hour, local.minute) == (2, 30)
    assert timedelta(0) < moment - timezone.now() <= timedelta(days=1)
