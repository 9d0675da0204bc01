"""The supervision app's local settings, with the seeds' and regulations' values as defaults."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peiyu.core.options import Option, decreasing_ints, positive_int, register


def month_day(text: str) -> str:
    """A date in the year as MM-DD (03-31)."""
    value = text.strip().replace("月", "-").replace("日", "").replace("/", "-")
    try:
        month, day = (int(part) for part in value.split("-"))
        datetime.date(2024, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        raise ValueError(_("Write a day of the year as MM-DD, for example 03-31.")) from None
    return f"{month:02d}-{day:02d}"


GUIDANCE_DEADLINE = register(
    Option(
        "supervision.guidance_deadline",
        gettext_lazy("Annual reports due at the guidance unit (MM-DD)"),
        "03-31",
        month_day,
    )
)
AUTHORITY_DEADLINE = register(
    Option(
        "supervision.authority_deadline",
        gettext_lazy("Annual reports due at the registration authority (MM-DD)"),
        "05-31",
        month_day,
        help_text=gettext_lazy("A report not submitted by this day counts as missed."),
    )
)
NEW_INSTITUTION_MONTHS = register(
    Option(
        "supervision.new_institution_months",
        gettext_lazy(
            "Service institutions registered within this many months of year end skip that year's inspection"
        ),
        6,
        positive_int,
    )
)
ABNORMAL_AUTO_REMOVAL_MONTHS = register(
    Option(
        "supervision.abnormal_auto_removal_months",
        gettext_lazy("Months after which an abnormal-activity listing that needs no rectification ends"),
        6,
        positive_int,
    )
)
REMOVAL_WORKING_DAYS = register(
    Option(
        "supervision.removal_working_days",
        gettext_lazy("Working days to remove a listing after rectification is verified"),
        5,
        positive_int,
    )
)
SERIOUS_CLEAN_YEARS = register(
    Option(
        "supervision.serious_clean_years",
        gettext_lazy("Clean years before removal from the serious-violation list"),
        2,
        positive_int,
    )
)
LARGE_FINE = register(
    Option(
        "supervision.large_fine",
        gettext_lazy("A fine of this many yuan or more puts an organization on the serious-violation list"),
        50_000,
        positive_int,
    )
)
GRADE_THRESHOLDS = register(
    Option(
        "supervision.grade_thresholds",
        gettext_lazy("Lowest scores for 5A, 4A, 3A and 2A (of 1,000 points)"),
        [900, 800, 700, 600],
        decreasing_ints,
        help_text=gettext_lazy("Below the last one the grade is 1A."),
    )
)
GRADE_VALIDITY_YEARS = register(
    Option("supervision.grade_validity_years", gettext_lazy("Years a grade stays valid"), 5, positive_int)
)
GRADE_NOTICE_DAYS = register(
    Option(
        "supervision.grade_notice_days",
        gettext_lazy("Days of public notice for proposed grades"),
        7,
        positive_int,
    )
)
OBJECTION_ANSWER_DAYS = register(
    Option(
        "supervision.objection_answer_days",
        gettext_lazy("Days to answer an objection to a grade"),
        15,
        positive_int,
    )
)
PHOTO_MAX_MB = register(
    Option(
        "supervision.photo_max_mb",
        gettext_lazy("Largest photo accepted with a citizen report (MB)"),
        5,
        positive_int,
    )
)
