"""The incubation app's local settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from peiyu.core.options import Option, positive_int, register

MIN_MONTHS = register(
    Option(
        key="incubation.min_months",
        label=_("Shortest residency (months)"),
        default=3,
        parse=positive_int,
        help_text=_(
            "Seed 000: an incubation cycle lasts 3–6 months. A resident graduates no earlier than this."
        ),
    )
)
MAX_MONTHS = register(
    Option(
        key="incubation.max_months",
        label=_("Longest residency (months)"),
        default=6,
        parse=positive_int,
        help_text=_("A resident must leave or graduate by then unless an extension is approved."),
    )
)
REMINDER_DAYS = register(
    Option(
        key="incubation.reminder_days",
        label=_("Remind before a residency's end (days)"),
        default=30,
        parse=positive_int,
    )
)
MAX_EXTENSION_MONTHS = register(
    Option(
        key="incubation.max_extension_months",
        label=_("Longest single extension (months)"),
        default=3,
        parse=positive_int,
    )
)
STARTUP_SUBSIDY = register(
    Option(
        key="incubation.startup_subsidy",
        label=_("Start-up subsidy on registration (yuan)"),
        default=30000,
        parse=positive_int,
        help_text=_("Seed 001 (太仓): 30,000 yuan for each newly registered organization."),
    )
)
RESIDENCY_SUBSIDY_CAP = register(
    Option(
        key="incubation.residency_subsidy_cap",
        label=_("Residency subsidy cap per resident and year (yuan)"),
        default=30000,
        parse=positive_int,
        help_text=_("Seed 001 (太仓): no more than 30,000 yuan a year for each resident."),
    )
)
