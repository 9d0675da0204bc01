import pytest
from django.core.management import call_command
from django.test import Client

from peiyu.accounts.demo import ACCOUNTS, DEMO_PASSWORD
from peiyu.accounts.models import User
from peiyu.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_demo_builds_liyang_and_one_account_per_role_idempotently(client: Client) -> None:
    call_command("demo", quiet=True, volunteers=50)
    call_command("demo", quiet=True, volunteers=50)
    county = Region.objects.get(code="320481000000")
    assert 700_000 < (county.population or 0) < 900_000
    assert Region.objects.filter(parent=county).count() == 14
    assert not Region.objects.subtree("320481").filter(level=Level.VILLAGE, population__isnull=True).exists()
    demo_accounts = User.objects.filter(username__in=[a.username for a in ACCOUNTS])
    assert demo_accounts.count() == len(ACCOUNTS) == 9
    # Every other account is a volunteer who registered on the portal, a pool expert, or the
    # officer of a town without a demo account who decided its incubated groups' filings (those
    # cannot sign in).
    others = User.objects.exclude(pk__in=demo_accounts)
    assert set(others.values_list("account_type", flat=True)) <= {"volunteer", "expert", "staff"}
    assert not any(u.has_usable_password() for u in others.filter(account_type="staff"))
    roles = {g for u in demo_accounts for g in u.groups.values_list("name", flat=True)}
    assert len(roles) == 9 - 1  # two town officers share a role
    for account in ACCOUNTS:
        browser = Client()
        response = browser.post("/accounts/login/", {"username": account.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.username
        assert browser.get("/workbench/").status_code == 200
