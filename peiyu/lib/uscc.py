"""Validate the unified social credit code (统一社会信用代码, GB 32100-2015).

A code has 18 characters from ``ALPHABET`` (digits and capital letters without I, O, Z, S, V):

* position 1: registration department (``DEPARTMENTS``), e.g. 5 civil affairs, 9 industry and commerce;
* position 2: organization type within that department, e.g. 51 social association;
* positions 3–8: division code of the registration authority (six digits);
* positions 9–17: organization code (GB 11714): an 8-character body and its check character;
* position 18: check character over positions 1–17 (weights 3^(i-1) mod 31).

python-stdnum's ``stdnum.cn.uscc`` computes the outer check character correctly but its ``validate``
demands digits in positions 1–8, so it rejects valid codes of the agriculture (N), central military
(A) and other (Y) departments (N1, A1, Y1 …). This module therefore uses stdnum only for ``compact``
and ``calc_check_digit`` and checks the structure itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from stdnum.cn import uscc as stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EXCLUDED_LETTERS = "IOZSV"
# GB 11714 organization codes: digits then A=10 … Z=35; the check character is 0–9 or X.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

DEPARTMENTS = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
# Civil-affairs types of registered social organizations (department 5).
CIVIL_AFFAIRS_TYPES = {"51": "社会团体", "52": "民办非企业单位/社会服务机构", "53": "基金会", "59": "其他"}
LEGAL_FORM_PREFIXES = {"association": "51", "service_institution": "52", "foundation": "53"}

_LENGTH = _("The unified social credit code must be 18 characters long; this one has %(length)d.")
_EXCLUDED_LETTER = _(
    "Position %(position)d is “%(char)s”: the letters I, O, Z, S and V are never used in the code."
)
_ILLEGAL_CHARACTER = _(
    "Position %(position)d is “%(char)s”, which is not allowed: the code uses only digits and "
    "capital letters other than I, O, Z, S and V."
)
_DIVISION_NOT_DIGITS = _(
    "Positions 3–8 (the division code of the registration authority) must be digits; "
    "position %(position)d is “%(char)s”."
)
_UNKNOWN_DEPARTMENT = _(
    "Position 1 is “%(char)s”, which is not a registration department code (1–9, A, N or Y)."
)
_INNER_CHECK = _(
    "Position 17 (the check character of the organization code in positions 9–17) should be "
    "“%(expected)s”, not “%(actual)s”; look for a typing error in positions 9–17."
)
_OUTER_CHECK = _(
    "The check character (position 18) should be “%(expected)s”, not “%(actual)s”; "
    "look for a typing error anywhere in the code."
)
_NOT_CIVIL_AFFAIRS = _(
    "A registered social organization's code starts with 5 (registered by civil affairs); "
    "this one starts with “%(char)s”."
)
_NOT_SOCIAL_ORGANIZATION = _(
    "A social organization's code starts with 51, 52, 53 or 59; this one starts with “%(prefix)s”."
)
_WRONG_LEGAL_FORM = {
    "association": _("A social association's code starts with 51; this one starts with “%(prefix)s”."),
    "service_institution": _(
        "A social service institution's code starts with 52; this one starts with “%(prefix)s”."
    ),
    "foundation": _("A foundation's code starts with 53; this one starts with “%(prefix)s”."),
}


def _interpolate(msgid: StrOrPromise, params: Mapping[str, object]) -> str:
    return str(msgid) % params


# ``lazy_msgid % params`` would translate at once; this defers it until the message is shown.
_lazy_interpolate = lazy(_interpolate, str)


class USCCError(ValueError):
    """An invalid code: ``message`` says what is wrong, ``position`` (1-based) where, if anywhere."""

    def __init__(self, msgid: StrOrPromise, position: int | None, params: Mapping[str, object]) -> None:
        self.message: StrOrPromise = _lazy_interpolate(msgid, params)
        self.position = position
        self.params = params
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


def compact(value: str) -> str:
    """Return the code without spaces or hyphens, in capitals, with full-width characters made ASCII."""
    return str(stdnum_uscc.compact(unicodedata.normalize("NFKC", value)))


def check_character(code17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a code."""
    if len(code17) != 17 or any(char not in ALPHABET for char in code17):
        raise ValueError(f"expected 17 characters from {ALPHABET}, got {code17!r}")
    return str(stdnum_uscc.calc_check_digit(code17))


def inner_check_character(body8: str) -> str:
    """Return the GB 11714 check character (position 17) for the organization code body (9–16)."""
    if len(body8) != 8 or any(char not in _ORG_ALPHABET for char in body8):
        raise ValueError(f"expected 8 digits or capital letters, got {body8!r}")
    total = sum(_ORG_ALPHABET.index(char) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def validate(value: str) -> str:
    """Return the compact code, or raise ``USCCError`` naming the first problem found."""
    code = compact(value)
    if len(code) != 18:
        raise USCCError(_LENGTH, None, {"length": len(code)})
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            msgid = _EXCLUDED_LETTER if char in EXCLUDED_LETTERS else _ILLEGAL_CHARACTER
            raise USCCError(msgid, position, {"position": position, "char": char})
    for position in range(3, 9):
        if not code[position - 1].isdigit():
            raise USCCError(
                _DIVISION_NOT_DIGITS, position, {"position": position, "char": code[position - 1]}
            )
    if code[0] not in DEPARTMENTS:
        raise USCCError(_UNKNOWN_DEPARTMENT, 1, {"char": code[0]})
    expected = inner_check_character(code[8:16])
    if code[16] != expected:
        raise USCCError(_INNER_CHECK, 17, {"expected": expected, "actual": code[16]})
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(_OUTER_CHECK, 18, {"expected": expected, "actual": code[17]})
    return code


def validate_civil_affairs(value: str, legal_form: str | None = None) -> str:
    """Validate the code of a social organization registered by civil affairs (51, 52, 53 or 59).

    With ``legal_form`` ("association", "service_institution" or "foundation"), also require its
    type: 51, 52 or 53.
    """
    if legal_form is not None and legal_form not in LEGAL_FORM_PREFIXES:
        raise ValueError(f"unknown legal form {legal_form!r}")
    code = validate(value)
    if code[0] != "5":
        raise USCCError(_NOT_CIVIL_AFFAIRS, 1, {"char": code[0]})
    if code[:2] not in CIVIL_AFFAIRS_TYPES:
        raise USCCError(_NOT_SOCIAL_ORGANIZATION, 2, {"prefix": code[:2]})
    if legal_form is not None and code[:2] != LEGAL_FORM_PREFIXES[legal_form]:
        raise USCCError(_WRONG_LEGAL_FORM[legal_form], 2, {"prefix": code[:2]})
    return code


def legal_form_of(code: str) -> str | None:
    """Return the legal form a code's first two characters name, or None; the code is not validated."""
    prefix = compact(code)[:2]
    return next((form for form, known in LEGAL_FORM_PREFIXES.items() if known == prefix), None)


def make(*, department_type: str, division: str, body8: str) -> str:
    """Build a valid code: append both check characters to the prefix, division and body."""
    if len(department_type) != 2 or len(division) != 6 or len(body8) != 8:
        raise ValueError("expected a 2-character prefix, a 6-digit division and an 8-character body")
    code17 = department_type + division + body8 + inner_check_character(body8)
    if any(char not in ALPHABET for char in code17):
        raise ValueError(f"{code17!r} holds characters outside {ALPHABET}")
    return validate(code17 + check_character(code17))


def django_validator(value: str) -> None:
    """Raise Django's ``ValidationError`` (code "uscc") if the value is not a valid code."""
    try:
        validate(value)
    except USCCError as error:
        raise ValidationError(str(error.message), code="uscc") from error
