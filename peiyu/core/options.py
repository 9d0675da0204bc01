"""Local settings: numbers that vary by locality (thresholds, limits, amounts).

Each app declares its options with a default taken from the seeds; a bureau's administrator
overrides them for its region, and a region inherits the nearest override above it (village →
town → county → city → province), else the default. Values are JSON and checked by the option's
own ``parse`` on the way in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from peiyu.lib.divisions import full_code


@dataclass(frozen=True)
class Option:
    key: str
    label: str | Promise
    default: Any
    parse: Callable[[str], Any]
    help_text: str | Promise = ""
    # Called after commit with the region code when an override is set or removed, for apps
    # that store figures derived from the setting (volunteers' star levels).
    on_change: Callable[[str], None] | None = None

    def show(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return str(value)


OPTIONS: dict[str, Option] = {}


def register(option: Option) -> Option:
    OPTIONS[option.key] = option
    return option


def ancestors(region_code: str) -> list[str]:
    """The codes of a region and of every region above it, most specific first."""
    code = full_code(region_code)
    codes: list[str] = []
    for length in (12, 9, 6, 4, 2):
        candidate = code[:length].ljust(12, "0")
        if candidate not in codes:
            codes.append(candidate)
    return codes


def value_of(key: str, region_code: str | None = None) -> Any:
    """The option's value in effect for a region (the default when nothing overrides it)."""
    return effective(key, region_code)[0]


def effective(key: str, region_code: str | None) -> tuple[Any, str | None]:
    """The value in effect and the code of the region whose override gave it (None: default)."""
    from peiyu.core.models import OptionValue

    option = OPTIONS[key]
    if not region_code:
        return option.default, None
    codes = ancestors(region_code)
    overrides = dict(
        OptionValue.objects.filter(key=key, region_id__in=codes).values_list("region_id", "value")
    )
    for code in codes:
        if code in overrides:
            return overrides[code], code
    return option.default, None


# Parsers for the common shapes, raising ValueError with a message for the form.
def positive_int(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(_("Enter a whole number.")) from None
    if value <= 0:
        raise ValueError(_("Enter a number greater than zero."))
    return value


def _positive_ints(text: str) -> list[int]:
    """Whole numbers separated by commas (Chinese commas and 、 too)."""
    parts = [p for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]
    try:
        values = [int(p.strip()) for p in parts]
    except ValueError:
        raise ValueError(_("Enter whole numbers separated by commas.")) from None
    return values if values and all(v > 0 for v in values) else []


def increasing_ints(text: str) -> list[int]:
    values = _positive_ints(text)
    if not values or values != sorted(set(values)):
        raise ValueError(_("Enter increasing positive numbers separated by commas."))
    return values


def decreasing_ints(text: str) -> list[int]:
    values = _positive_ints(text)
    if not values or values != sorted(set(values), reverse=True):
        raise ValueError(_("Enter decreasing positive numbers separated by commas."))
    return values


def choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip()
        if value not in allowed:
            raise ValueError(_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)})
        return value

    return parse
