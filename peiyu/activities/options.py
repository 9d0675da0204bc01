"""The activities app's local settings."""

from __future__ import annotations

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from peiyu.core.options import Option, positive_int, register


def fraction(text: str) -> list[int]:
    """A share written as a fraction, 2/3 (stored as [2, 3])."""
    parts = text.replace("／", "/").split("/")
    try:
        top, bottom = (int(p.strip()) for p in parts)
    except ValueError:
        raise ValueError(gettext_now("Write a fraction such as 1/2 or 2/3.")) from None
    if not 0 < top <= bottom:
        raise ValueError(gettext_now("Write a fraction such as 1/2 or 2/3."))
    return [top, bottom]


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
    Option(
        key="activities.quorum",
        label=_("Quorum of an ordinary council meeting (more than this share of the members)"),
        default=[1, 2],
        parse=fraction,
        help_text=_(
            "More than half by default: a meeting with exactly half of its members present has no quorum."
        ),
    )
)
ELECTION_QUORUM = register(
    Option(
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
