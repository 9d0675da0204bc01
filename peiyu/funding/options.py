"""The funding app's local settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.options import Option, _positive_ints, positive_int, register


def grade_level(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(_("Enter a whole number from 0 to 5.")) from None
    if not 0 <= value <= 5:
        raise ValueError(_("Enter a whole number from 0 to 5."))
    return value


def three_weights(text: str) -> list[int]:
    values = _positive_ints(text)
    if len(values) != 3 or sum(values) != 100:
        raise ValueError(_("Enter three whole numbers that add up to 100, e.g. 40, 30, 30."))
    return values


NOTICE_DAYS = register(
    Option(
        key="funding.notice_days",
        label=_("Public notice of a round's results (days)"),
        default=7,
        parse=positive_int,
        help_text=_("Local notices typically run the 公示 for 5–7 days."),
    )
)
MIN_GRADE = register(
    Option(
        key="funding.min_grade",
        label=_("Lowest grade a new round asks of applicants (0 = none)"),
        default=3,
        parse=grade_level,
        help_text=_("Seed 004: organizations graded 3A and above have priority in purchases of services."),
    )
)
MAX_PER_EXPERT = register(
    Option(
        key="funding.max_per_expert",
        label=_("Most applications one expert reviews in a round"),
        default=20,
        parse=positive_int,
        help_text=_("The draw spreads the work; an expert already at this number is not drawn again."),
    )
)
EVALUATION_WEIGHTS = register(
    Option(
        key="funding.evaluation_weights",
        label=_("Evaluation weights: purchaser, beneficiaries, third party (%)"),
        default=[40, 30, 30],
        parse=three_weights,
        help_text=_("Seed 001 (太仓): purchaser, service recipients and a third party evaluate together."),
    )
)
EVALUATION_PASS_MARK = register(
    Option(
        key="funding.evaluation_pass_mark",
        label=_("Lowest passing evaluation total"),
        default=60,
        parse=positive_int,
        help_text=_("A mid-term or final evaluation below it fails and stops further payments."),
    )
)
CASE_SUBSIDY = register(
    Option(
        key="funding.case_subsidy",
        label=_("Per-case mediation subsidy (yuan)"),
        default=200,
        parse=positive_int,
        help_text=_(
            "Seed 000 五(二): the bureau pays a subsidy for each mediation case; the amount is local."
        ),
    )
)
