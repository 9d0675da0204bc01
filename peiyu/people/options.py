"""The people app's local settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.options import Option, choice, increasing_ints, positive_int, register


def _recompute_stars(region_code: str) -> None:
    from peiyu.people.tasks import recompute_star_levels

    recompute_star_levels.enqueue(region_code=region_code)


STAR_THRESHOLDS = register(
    Option(
        key="people.star_thresholds",
        label=_("Volunteer star levels (approved hours)"),
        default=[100, 300, 600, 1000, 1500],
        parse=increasing_ints,
        help_text=_("Approved hours for one star, two stars and so on, separated by commas."),
        on_change=_recompute_stars,
    )
)
CERTIFICATE_IDENTITY = register(
    Option(
        key="people.certificate_identity",
        label=_("Identity number on service certificates"),
        default="masked",
        parse=choice("masked", "full"),
        help_text=_("masked: first 6 and last 4 characters; full: the whole number."),
    )
)
MAX_RECORD_HOURS = register(
    Option(
        key="people.max_record_hours",
        label=_("Longest single service record (hours)"),
        default=12,
        parse=positive_int,
        help_text=_("A record longer than this is refused as a likely mistake."),
    )
)
SELF_REPORT_DAYS = register(
    Option(
        key="people.self_report_days",
        label=_("Self-reported hours accepted up to (days after service)"),
        default=90,
        parse=positive_int,
    )
)

SOCIAL_WORKERS_URBAN = register(
    Option(
        key="people.social_workers_urban",
        label=_("Social workers per urban community (target)"),
        default=3,
        parse=positive_int,
        help_text=_("Seed 004: at least 3 in every urban community."),
    )
)
SOCIAL_WORKERS_RURAL = register(
    Option(
        key="people.social_workers_rural",
        label=_("Social workers per rural community (target)"),
        default=1,
        parse=positive_int,
        help_text=_("Seed 004: at least 1 in every rural community."),
    )
)


def star_level(hours: float, thresholds: list[int]) -> int:
    """The number of thresholds reached."""
    return sum(1 for threshold in thresholds if hours >= threshold)
