"""Validate the citizen identity number on the resident identity card (公民身份号码, GB 11643-1999).

A number has 18 characters:

* positions 1–6: address code (GB/T 2260 division of the holder's registered residence); positions
  1–2 name the province (``PROVINCES``);
* positions 7–14: date of birth, YYYYMMDD;
* positions 15–17: sequence number; position 17 is odd for men and even for women;
* position 18: ISO 7064 MOD 11-2 check character over positions 1–17, 0–9 or X (for 10).

The province list is GB/T 2260's, as in python-stdnum's ``cn/loc.dat`` (11–65, 71, 81, 82), plus
83: residence permits for Taiwan residents use 830000 (810000 and 820000 for Hong Kong and Macau).
Numbers starting with 9 (the 2023 foreigner's permanent residence card) are not resident identity
numbers and are refused. Positions 3–6 are not looked up: counties are renamed and merged, and an
old number keeps its old code.
"""

from __future__ import annotations

import calendar
import datetime
import unicodedata
from collections.abc import Mapping
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from stdnum.cn import ric as stdnum_ric

PROVINCES = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
    "83": "台湾居民居住证",
}
EARLIEST_BIRTH = datetime.date(1900, 1, 1)

_LENGTH = _("The identity card number must be 18 characters long; this one has %(length)d.")
_NOT_DIGIT = _("Position %(position)d is “%(char)s”: positions 1–17 must be digits.")
_BAD_CHECK_CHARACTER = _("The check character (position 18) must be a digit or X, not “%(char)s”.")
_UNKNOWN_PROVINCE = _("Positions 1–2 are “%(code)s”, which is not a province code.")
_YEAR_TOO_EARLY = _("The year of birth (positions 7–10) is %(year)s, before 1900.")
_BAD_MONTH = _("The month of birth (positions 11–12) is “%(month)s”, which is not a month.")
_BAD_DAY = _("The day of birth (positions 13–14) is “%(day)s”, which is not a day of %(year)s-%(month)s.")
_FUTURE_BIRTH = _("The date of birth (positions 7–14) is %(date)s, which is in the future.")
_CHECK = _(
    "The check character (position 18) should be “%(expected)s”, not “%(actual)s”; "
    "look for a typing error anywhere in the number."
)


def _interpolate(msgid: StrOrPromise, params: Mapping[str, object]) -> str:
    return str(msgid) % params


# ``lazy_msgid % params`` would translate at once; this defers it until the message is shown.
_lazy_interpolate = lazy(_interpolate, str)


class IdCardError(ValueError):
    """An invalid number: ``message`` says what is wrong, ``position`` (1-based) where, if anywhere."""

    def __init__(self, msgid: StrOrPromise, position: int | None, params: Mapping[str, object]) -> None:
        self.message: StrOrPromise = _lazy_interpolate(msgid, params)
        self.position = position
        self.params = params
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def compact(value: str) -> str:
    """Return the number without spaces, with a capital X and full-width characters made ASCII."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def check_character(code17: str) -> str:
    """Return the MOD 11-2 check character (position 18) for the first 17 digits of a number."""
    if len(code17) != 17 or not code17.isascii() or not code17.isdigit():
        raise ValueError(f"expected 17 digits, got {code17!r}")
    # stdnum's calc_check_digit ignores the last character of what it is given.
    return str(stdnum_ric.calc_check_digit(code17 + "0"))


def _check_birth_date(number: str, today: datetime.date) -> None:
    year, month, day = number[6:10], number[10:12], number[12:14]
    if int(year) < EARLIEST_BIRTH.year:
        raise IdCardError(_YEAR_TOO_EARLY, 7, {"year": year})
    if not 1 <= int(month) <= 12:
        raise IdCardError(_BAD_MONTH, 11, {"month": month})
    if not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        raise IdCardError(_BAD_DAY, 13, {"day": day, "month": month, "year": year})
    born = datetime.date(int(year), int(month), int(day))
    if born > today:
        raise IdCardError(_FUTURE_BIRTH, 7, {"date": born.isoformat()})


def validate(value: str, *, today: datetime.date | None = None) -> str:
    """Return the compact number, or raise ``IdCardError`` naming the first problem found.

    ``today`` (by default the local date) bounds the date of birth.
    """
    number = compact(value)
    if len(number) != 18:
        raise IdCardError(_LENGTH, None, {"length": len(number)})
    for position, char in enumerate(number[:17], start=1):
        if char not in "0123456789":
            raise IdCardError(_NOT_DIGIT, position, {"position": position, "char": char})
    if number[17] not in "0123456789X":
        raise IdCardError(_BAD_CHECK_CHARACTER, 18, {"char": number[17]})
    if number[:2] not in PROVINCES:
        raise IdCardError(_UNKNOWN_PROVINCE, 1, {"code": number[:2]})
    _check_birth_date(number, today or timezone.localdate())
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdCardError(_CHECK, 18, {"expected": expected, "actual": number[17]})
    return number


def birth_date(value: str) -> datetime.date:
    """Return the date of birth of a valid number; raise ``IdCardError`` for an invalid one."""
    number = validate(value)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex(value: str) -> Literal["male", "female"]:
    """Return the sex of a valid number (position 17 odd: male); raise ``IdCardError`` if invalid."""
    return "male" if int(validate(value)[16]) % 2 else "female"


def make(*, region: str, birth: datetime.date, sequence: int) -> str:
    """Build a valid number from a 6-digit address code, a date of birth and a sequence 0–999."""
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError(f"expected a 6-digit address code, got {region!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"expected a sequence number from 0 to 999, got {sequence}")
    code17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return validate(code17 + check_character(code17))


def django_validator(value: str) -> None:
    """Raise Django's ``ValidationError`` (code "idcard") if the value is not a valid number."""
    try:
        validate(value)
    except IdCardError as error:
        raise ValidationError(str(error.message), code="idcard") from error
