import re
from collections.abc import Callable

import pytest
from django.test import Client

from peiyu.accounts.models import User
from peiyu.accounts.services import create_api_token, revoke_api_token

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


@pytest.fixture
def daibu_token(administrator: User, daibu_officer: User) -> str:
    _token, secret = create_api_token(owner=daibu_officer, name="test", by=administrator)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_anonymous_gets_401_as_json(client: Client, regions: None) -> None:
    response = client.get("/api/v1/regions/320481")
    assert response.status_code == 401
    assert response.json() == {"detail": "需要身份认证。"}


def test_a_token_sees_its_owners_scope(client: Client, daibu_token: str) -> None:
    response = client.get("/api/v1/regions/320481103", **bearer(daibu_token))
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["short_code"], body["name"], body["level"]) == (
        "320481103000",
        "320481103",
        "戴埠镇",
        "town",
    )
    assert client.get("/api/v1/regions/320481106", **bearer(daibu_token)).status_code == 404
    assert client.get("/api/v1/regions/320481", **bearer(daibu_token)).status_code == 404
    missing = client.get("/api/v1/regions/abc", **bearer(daibu_token))
    assert missing.status_code == 404
    assert "detail" in missing.json()


def test_children_are_paged_and_bounded(client: Client, daibu_token: str) -> None:
    first = client.get("/api/v1/regions/320481103/children?page_size=5", **bearer(daibu_token)).json()
    second = client.get("/api/v1/regions/320481103/children?page_size=5&page=2", **bearer(daibu_token)).json()
    assert first["count"] == second["count"] > 5
    assert len(first["items"]) == 5
    assert {i["code"] for i in first["items"]}.isdisjoint({i["code"] for i in second["items"]})
    assert all(i["parent_code"] == "320481103000" for i in first["items"])
    for bad in ["page_size=101", "page_size=0", "page=0", "page=x"]:
        response = client.get(f"/api/v1/regions/320481103/children?{bad}", **bearer(daibu_token))
        assert response.status_code == 422, bad
        assert response.json()["detail"]


def test_revoked_and_unknown_tokens_are_refused(
    client: Client, daibu_token: str, administrator: User
) -> None:
    from peiyu.accounts.models import ApiToken

    revoke_api_token(ApiToken.objects.get(), by=administrator)
    assert client.get("/api/v1/regions/320481103", **bearer(daibu_token)).status_code == 401
    assert client.get("/api/v1/regions/320481103", **bearer("py_made-up")).status_code == 401


def test_the_browser_session_works_too(county_officer: User, login: Login) -> None:
    response = login(county_officer).get("/api/v1/regions/320481/children?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == 14


def test_openapi_is_3_1_and_declares_the_error_responses(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    responses = schema["paths"]["/api/v1/regions/{code}"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(responses)
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert schema["paths"]["/api/v1/regions/{code}"]["get"]["security"]


def test_interactive_docs_are_served_from_local_files(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # No script or style from elsewhere (a random CSRF token may well contain "cdn").
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "cdn.jsdelivr" not in html.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
