"""Mask personal data for display and for the audit log.

Identity-card numbers keep their first 6 and last 4 characters, mobile phone numbers their first 3
and last 4 (the house rule, matching common practice for 实名 data). Anything else that is masked
keeps only its last quarter.
"""

from __future__ import annotations

import re

_ID_CARD = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
_MOBILE = re.compile(r"^1\d{10}$")


def mask_id_card(value: str) -> str:
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_value(value: object) -> str:
    """Mask any personal value, choosing the rule by its shape."""
    text = "" if value is None else str(value)
    compact = text.replace(" ", "").replace("-", "")
    if not compact or compact == "None":
        return text
    if _ID_CARD.match(compact):
        return mask_id_card(compact)
    if _MOBILE.match(compact):
        return mask_phone(compact)
    keep = len(text) // 4
    return "*" * (len(text) - keep) + (text[-keep:] if keep else "")
