"""Resolve division codes that imported files may carry from before a change of status.

When a county-level unit becomes a district (海门市 320684 → 海门区 320614) its towns and villages
keep their own segments under the new county code. ``data/code_changes.csv`` lists the changes
Peiyu knows; add a row when a bureau meets another.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from peiyu.lib.divisions import full_code

CHANGES_FILE = Path(__file__).parent / "data" / "code_changes.csv"


@cache
def code_changes() -> dict[str, tuple[str, str, str]]:
    """Map each old county code to (new code, old name, new name)."""
    with CHANGES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["old_code"]: (row["new_code"], row["old_name"], row["new_name"])
            for row in csv.DictReader(handle)
        }


def current_code(code: str) -> str:
    """Return the current 12-digit code for ``code``, translating an old county prefix."""
    code = full_code(code)
    change = code_changes().get(code[:6])
    return change[0] + code[6:] if change else code
