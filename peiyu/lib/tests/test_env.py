import os
import subprocess
import sys
from pathlib import Path

import pytest

from peiyu.lib import env

ROOT = Path(__file__).resolve().parents[3]


def test_sqlite_url_is_relative_to_the_project() -> None:
    url = env.parse_database_url("DATABASE_URL", "sqlite:///var/x.sqlite3")
    assert (url.engine, url.name) == ("sqlite", "var/x.sqlite3")
    assert env.parse_database_url("DATABASE_URL", "sqlite:////srv/peiyu/a.db").name == "/srv/peiyu/a.db"


def test_postgres_url_gives_every_part() -> None:
    url = env.parse_database_url("DATABASE_URL", "postgres://u:p%40ss@db.local:6432/peiyu?sslmode=require")
    assert (url.engine, url.name, url.user, url.password, url.host, url.port) == (
        "postgresql",
        "peiyu",
        "u",
        "p@ss",
        "db.local",
        "6432",
    )
    assert dict(url.options) == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("mysql://root@localhost/x", "not a database URL"),
        ("postgres://localhost:5432/", "names no database"),
        ("postgres://localhost:port/x", "port that is not a number"),
        ("sqlite://", "names no SQLite file"),
    ],
)
def test_malformed_database_urls_are_refused_with_the_reason(value: str, message: str) -> None:
    with pytest.raises(env.SettingError, match=message):
        env.parse_database_url("DATABASE_URL", value)


def test_sqlite_settings_turn_on_wal_and_foreign_keys(tmp_path: Path) -> None:
    settings = env.database_settings(env.DatabaseURL(engine="sqlite", name="db.sqlite3"), tmp_path)
    assert "journal_mode=WAL" in settings["OPTIONS"]["init_command"]
    assert "foreign_keys=ON" in settings["OPTIONS"]["init_command"]


def test_booleans_and_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    assert env.get_bool("X_BOOL", False) is True
    assert env.get_int("X_INT", 0) == 12
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(env.SettingError, match="X_BOOL='maybe' is not a boolean"):
        env.get_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "5")
    with pytest.raises(env.SettingError, match="below the minimum of 180"):
        env.get_int("X_INT", 365, minimum=180)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_SECRET", raising=False)
    path = tmp_path / "var" / "secret_key"
    first = env.get_secret_key("X_SECRET", path)
    assert len(first) >= 50
    assert env.get_secret_key("X_SECRET", path) == first
    assert oct(path.stat().st_mode)[-3:] == "600"
    monkeypatch.setenv("X_SECRET", "short")
    with pytest.raises(env.SettingError, match="too short"):
        env.get_secret_key("X_SECRET", path)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "oracle://x/y", "is not a database URL Peiyu supports"),
        ("PEIYU_DEBUG", "perhaps", "PEIYU_DEBUG='perhaps' is not a boolean"),
        ("PEIYU_AUDIT_RETENTION_DAYS", "30", "below the minimum of 180"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_a_clear_message(name: str, value: str, message: str) -> None:
    environment = {**os.environ, name: value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Peiyu cannot start:")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
