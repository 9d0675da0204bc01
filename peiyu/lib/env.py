"""Read typed settings from the environment and fail loudly on malformed values."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


class SettingError(Exception):
    """A setting in the environment is malformed; the message names it and says why."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def get_str(name: str, default: str) -> str:
    return _raw(name) or default


def get_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name}={value!r} is not a boolean: use true or false.")


def get_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise SettingError(f"{name}={number} is below the minimum of {minimum}.")
    return number


def get_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def get_secret_key(name: str, path: Path) -> str:
    """Return the secret key from the environment, or from a file generated once under var/."""
    value = _raw(name)
    if value is not None:
        if len(value) < 32:
            raise SettingError(f"{name} is too short: use at least 32 random characters.")
        return value
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="ascii")
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class DatabaseURL:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: tuple[tuple[str, str], ...] = ()


def parse_database_url(name: str, value: str) -> DatabaseURL:
    """Parse ``sqlite:///path`` or ``postgres://user:password@host:port/name``."""
    parts = urlsplit(value)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative/path has path "/relative/path"; sqlite:////abs has "//abs".
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise SettingError(f"{name}={value!r} names no SQLite file: use sqlite:///var/peiyu.sqlite3.")
        return DatabaseURL(engine="sqlite", name=path)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise SettingError(f"{name}={value!r} names no database: add /<name> at the end.")
        try:
            port = str(parts.port or "")
        except ValueError:
            raise SettingError(f"{name}={value!r} has a port that is not a number.") from None
        return DatabaseURL(
            engine="postgresql",
            name=db_name,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            host=parts.hostname or "",
            port=port,
            options=tuple(parse_qsl(parts.query)),
        )
    raise SettingError(
        f"{name}={value!r} is not a database URL Peiyu supports: "
        "use sqlite:///path/to/file.sqlite3 or postgres://user:password@host:5432/name."
    )


def database_settings(url: DatabaseURL, base_dir: Path) -> dict[str, Any]:
    if url.engine == "sqlite":
        path = Path(url.name)
        if not path.is_absolute():
            path = base_dir / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
                # the start of a transaction so two writers queue instead of failing mid-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.name,
        "USER": url.user,
        "PASSWORD": url.password,
        "HOST": url.host,
        "PORT": url.port,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(url.options),
    }
