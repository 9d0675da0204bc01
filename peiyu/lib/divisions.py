"""The structure of the 12-digit statistical division codes (统计用区划代码).

Digits 1–2 province, 3–4 city, 5–6 county, 7–9 town, 10–12 village (DOMAIN.md §2). A region's
subtree is every code that starts with its significant prefix.
"""

from __future__ import annotations

import re

LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "town": 9, "village": 12}
_CODE = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$")


class CodeError(ValueError):
    pass


def full_code(code: str) -> str:
    """Pad a 2-, 4-, 6-, 9- or 12-digit code to 12 digits."""
    code = code.strip()
    if not _CODE.match(code):
        raise CodeError(f"“{code}” is not a division code of 2, 4, 6, 9 or 12 digits")
    return code.ljust(12, "0")


def level_of(code: str) -> str:
    """Return the level a 12-digit code names, read from its trailing zero segments."""
    code = full_code(code)
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "town"
    return "village"


def prefix_of(code: str) -> str:
    """Return the significant prefix: every code in the subtree starts with it."""
    code = full_code(code)
    return code[: LEVEL_DIGITS[level_of(code)]]


def is_urban_town(code: str) -> bool:
    """Streets (街道, town segment 001–099) are urban; towns, townships and similar are not."""
    return 1 <= int(full_code(code)[6:9]) <= 99


def is_urban_village(code: str) -> bool:
    """Residents' committees (001–199) and units like them (400–499) are urban; villagers'
    committees (200–399) and units like them (500–599) are rural. The 2023 data carries no
    urban–rural classification code, so this is read from the code; staff can correct it."""
    segment = int(full_code(code)[9:12])
    return 1 <= segment <= 199 or 400 <= segment <= 499
