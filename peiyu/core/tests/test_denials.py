from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    ("get", "/workbench/"),
    ("get", "/audit/"),
    ("get", "/regions/"),
    ("get", "/regions/320481/"),
    ("post", "/regions/320481/edit/"),
    ("get", "/accounts/profile/"),
    ("post", "/accounts/password/"),
    ("post", "/accounts/otp/"),
    ("post", "/accounts/otp/disable/"),
    ("get", "/accounts/users/"),
    ("post", "/accounts/users/new/"),
    ("get", "/accounts/users/1/"),
    ("post", "/accounts/users/1/active/"),
    ("post", "/accounts/tokens/"),
    ("post", "/accounts/tokens/1/revoke/"),
    ("get", "/orgs/"),
    ("get", "/orgs/1/"),
    ("post", "/orgs/1/reveal/"),
    ("get", "/orgs/1/change/"),
    ("get", "/orgs/1/upgrade/"),
    ("get", "/orgs/1/deregister/"),
    ("get", "/orgs/1/revoke/"),
    ("get", "/orgs/applications/"),
    ("get", "/orgs/applications/new/filing/"),
    ("get", "/orgs/applications/1/"),
    ("post", "/orgs/applications/1/withdraw/"),
    ("get", "/orgs/applications/1/resubmit/"),
    ("get", "/orgs/documents/1/"),
    ("get", "/orgs/import/"),
    ("get", "/orgs/import/template/"),
    ("get", "/orgs/import/1/"),
]
# Pages an organization's own account may open (on its own records, tested in orgs).
OWN_RECORDS = ("/workbench", "/accounts/profile", "/accounts/password", "/accounts/otp", "/orgs/")
STAFF_ONLY = [
    page
    for page in SIGNED_IN_PAGES
    if not page[1].startswith(OWN_RECORDS) or page[1].startswith(("/orgs/import", "/orgs/1/revoke"))
]


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, regions: None, method: str, url: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("method", "url"), STAFF_ONLY)
def test_an_organization_account_is_refused_every_staff_page(
    organization_account: User, login: Callable[[User], Client], method: str, url: str
) -> None:
    response = getattr(login(organization_account), method)(url)
    assert response.status_code in {403, 404}
