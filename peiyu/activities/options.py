"""The activities app's local settings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from peiyu.core.options import Option, positive_int, register

# A quorum share is a plain fraction; a larger denominator is a typing slip, not a rule.
LARGEST_DENOMINATOR = 100


def fraction(text: str, *, below_one: bool = False) -> list[int]:
    """A share written as a fraction, 2/3 (stored in lowest terms as [2, 3]); full-width digits
    and slash are read too. ``below_one``: the whole (1/1) is refused, as for a share that must
    be exceeded."""
    message = gettext_now("Write a fraction such as 1/2 or 2/3.")
    parts = text.replace("／", "/").split("/")
    try:
        top, bottom = (int(p.strip()) for p in parts)
    except ValueError:
        raise ValueError(message) from None
    if not 0 < top <= bottom <= LARGEST_DENOMINATOR or (below_one and top == bottom):
        raise ValueError(message)
    common = math.gcd(top, bottom)
    return [top // common, bottom // common]


def fraction_below_one(text: str) -> list[int]:
    """The share an ordinary meeting must exceed: "more than 1/1" could never be met."""
    return fraction(text, below_one=True)


@dataclass(frozen=True)
class FractionOption(Option):
    """An option holding a fraction, shown as 2/3 (as it is typed) rather than as a list."""

    def show(self, value: Any) -> str:
        if isinstance(value, list | tuple) and len(value) == 2:
            return f"{value[0]}/{value[1]}"
        return super().show(value)


CONFIRMATION_DAYS = register(
    Option(
        key="activities.confirmation_days",
        label=_("Judicial confirmation: days after the agreement takes effect"),
        default=30,
        parse=positive_int,
        help_text=_("人民调解法 Art. 33: the parties apply jointly within 30 days."),
    )
)
MEDIATION_DAYS = register(
    Option(
        key="activities.mediation_days",
        label=_("Time limit for a mediation (days)"),
        default=30,
        parse=positive_int,
        help_text=_("Many local rules ask for a mediation to be finished within a month."),
    )
)
QUORUM = register(
    FractionOption(
        key="activities.quorum",
        label=_("Quorum of an ordinary council meeting (more than this share of the members)"),
        default=[1, 2],
        parse=fraction_below_one,
        help_text=_(
            "More than half by default: a meeting with exactly half of its members present has no quorum."
        ),
    )
)
ELECTION_QUORUM = register(
    FractionOption(
        key="activities.election_quorum",
        label=_("Quorum of an election (at least this share of the members)"),
        default=[2, 3],
        parse=fraction,
        help_text=_("Seed 004: elections need two thirds of the members present."),
    )
)
HANDLED_TARGET = register(
    Option(
        key="activities.handled_target",
        label=_("Target: share of mediation cases handled (%)"),
        default=98,
        parse=positive_int,
        help_text=_("Seed 004: disputes handled (调处率) at least 98 %."),
    )
)
SUCCESS_TARGET = register(
    Option(
        key="activities.success_target",
        label=_("Target: share of handled cases mediated successfully (%)"),
        default=96,
        parse=positive_int,
        help_text=_("Seed 004: mediation success (成功率) at least 96 %."),
    )
)
