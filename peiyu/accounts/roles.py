"""Roles are groups with permissions. Later apps add their permissions to these lists; the
groups are brought in line after every migrate."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peiyu.accounts.models import AccountType


@dataclass(frozen=True)
class Role:
    label: str | Promise
    account_type: str
    permissions: tuple[str, ...]


_STAFF_BASE = (
    "regions.view_region",
    "orgs.view_organization",
    "orgs.view_application",
    "people.view_volunteer",
    "people.view_servicerecord",
    "people.view_serviceactivity",
    "people.view_certificate",
    "people.view_socialworker",
    "people.view_expert",
    "people.view_legaladviser",
)
_SUPERVISION_VIEW = (
    "supervision.view_campaign",
    "supervision.view_annualreport",
    "supervision.view_proposal",
    "supervision.view_listing",
    "supervision.view_sanction",
    "supervision.view_visit",
    "supervision.view_rectificationnotice",
    "supervision.view_graderound",
    "supervision.view_gradeentry",
    "supervision.view_grade",
    "supervision.view_citizenreport",
)
_INCUBATION_VIEW = (
    "incubation.view_incubator",
    "incubation.view_call",
    "incubation.view_intakeapplication",
    "incubation.view_residency",
    "incubation.view_extension",
    "incubation.view_trainingevent",
    "incubation.view_service",
    "incubation.view_assessment",
    "incubation.view_subsidy",
)
# What running an incubator takes: the operator's staff, and town officers for the stations
# their town runs itself.
_INCUBATION_WORK = (
    *_INCUBATION_VIEW,
    "incubation.add_call",
    "incubation.change_call",
    "incubation.change_incubator",
    "incubation.change_criterion",
    "incubation.change_dimension",
    "incubation.add_intakeapplication",
    "incubation.add_review",
    "incubation.decide_intake",
    "incubation.change_residency",
    "incubation.add_extension",
    "incubation.graduate_residency",
    "incubation.add_trainingevent",
    "incubation.add_service",
    "incubation.add_assessment",
)
_FUNDING_VIEW = (
    "funding.view_need",
    "funding.view_catalogitem",
    "funding.view_project",
    "funding.view_round",
    "funding.view_application",
    "funding.view_objection",
    "funding.view_contract",
    "funding.view_tranche",
    "funding.view_evaluation",
    "funding.view_progressreport",
    "funding.view_casesubsidy",
)
# Needs come in from villages and towns; everyone on the staff side records and sorts them.
_NEEDS_DESK = ("funding.view_need", "funding.add_need", "funding.change_need")
# What running funding rounds takes at the county: catalog, library, rounds, contracts, payments.
_FUNDING_WORK = (
    *_FUNDING_VIEW,
    *_NEEDS_DESK,
    "funding.add_catalogitem",
    "funding.change_catalogitem",
    "funding.add_project",
    "funding.change_project",
    "funding.manage_round",
    "funding.add_application",
    "funding.change_contract",
    "funding.add_evaluation",
    "funding.pay_tranche",
    "funding.change_progressreport",
    "funding.add_casesubsidy",
    "funding.pay_case_subsidy",
)
_ACTIVITIES_VIEW = (
    "activities.view_activity",
    "activities.view_mediationcase",
    "activities.view_mediator",
    "activities.view_council",
    "activities.view_meeting",
)
# What villages record every day: activities, mediation cases, their councils' meetings.
_ACTIVITIES_DESK = (
    *_ACTIVITIES_VIEW,
    "activities.add_activity",
    "activities.change_activity",
    "activities.add_mediationcase",
    "activities.change_mediationcase",
    "activities.add_mediator",
    "activities.change_mediator",
    "activities.add_council",
    "activities.change_council",
    "activities.add_meeting",
    "activities.change_meeting",
    "activities.change_decision",
)
# Registering residents as volunteers is everyday work down to the village.
_PEOPLE_DESK = ("people.add_volunteer", "people.change_volunteer", "people.add_servicerecord")
_OFFICER = (
    "regions.change_region",
    "accounts.view_user",
    "orgs.add_application",
    "orgs.decide_change",
    "orgs.decide_deregistration",
    "orgs.reveal_contact",
    *_PEOPLE_DESK,
    "people.reveal_identity",
    "people.import_volunteers",
    "people.decide_hours",
    "people.issue_certificate",
    "people.add_serviceactivity",
    "people.add_socialworker",
    "people.change_socialworker",
    "people.add_expert",
    "people.change_expert",
    "people.add_legaladviser",
    "people.change_legaladviser",
    "people.add_worklog",
    *_SUPERVISION_VIEW,
    "supervision.inspect",
    "supervision.triage_report",
)

ROLES: dict[str, Role] = {
    "county_officer": Role(
        _("County officer"),
        AccountType.STAFF,
        (
            *_STAFF_BASE,
            *_OFFICER,
            "orgs.decide_registration",
            "orgs.revoke_organization",
            "orgs.import_organizations",
            *_INCUBATION_WORK,
            "incubation.add_incubator",
            "incubation.decide_extension",
            "incubation.pay_subsidy",
            "supervision.add_campaign",
            "supervision.change_campaign",
            "supervision.decide_report",
            "supervision.decide_proposal",
            "supervision.manage_listing",
            "supervision.record_sanction",
            "supervision.manage_grades",
            *_FUNDING_WORK,
            *_ACTIVITIES_DESK,
        ),
    ),
    "town_officer": Role(
        _("Town officer"),
        AccountType.STAFF,
        (
            *_STAFF_BASE,
            *_OFFICER,
            "orgs.decide_filing",
            "orgs.import_organizations",
            *_INCUBATION_WORK,
            "incubation.decide_extension",
            *_FUNDING_VIEW,
            *_NEEDS_DESK,
            "funding.add_casesubsidy",
            *_ACTIVITIES_DESK,
        ),
    ),
    "village_worker": Role(
        _("Village worker"),
        AccountType.STAFF,
        (*_STAFF_BASE, *_PEOPLE_DESK, "incubation.view_incubator", *_NEEDS_DESK, *_ACTIVITIES_DESK),
    ),
    "incubator_operator": Role(_("Incubator operator"), AccountType.INCUBATOR_OPERATOR, _INCUBATION_WORK),
    "organization": Role(
        _("Organization"),
        AccountType.ORGANIZATION,
        (
            "orgs.view_organization",
            "orgs.view_application",
            "orgs.add_application",
            # 谁组织谁记录、谁记录谁证明: the organizer records, approves and certifies.
            "people.view_volunteer",
            "people.add_volunteer",
            "people.view_servicerecord",
            "people.add_servicerecord",
            "people.decide_hours",
            "people.view_serviceactivity",
            "people.add_serviceactivity",
            "people.view_certificate",
            "people.issue_certificate",
            "supervision.view_campaign",
            "supervision.view_annualreport",
            "supervision.add_annualreport",
            "supervision.view_rectificationnotice",
            "supervision.view_graderound",
            "supervision.view_gradeentry",
            "supervision.view_grade",
            "funding.view_round",
            "funding.view_project",
            "funding.add_project",
            "funding.view_application",
            "funding.add_application",
            "funding.view_contract",
            "funding.view_tranche",
            "funding.view_evaluation",
            "funding.view_progressreport",
            "funding.add_progressreport",
            "funding.view_casesubsidy",
            # Organizations record their own activities and the volunteers who attended.
            "activities.view_activity",
            "activities.add_activity",
            "activities.change_activity",
        ),
    ),
    "expert": Role(
        _("Expert"),
        AccountType.EXPERT,
        (
            "people.view_engagement",
            "supervision.view_gradeentry",
            "supervision.add_score",
            "funding.view_application",
            "funding.add_reviewscore",
        ),
    ),
    "volunteer": Role(
        _("Volunteer"),
        AccountType.VOLUNTEER,
        ("people.view_certificate", "people.add_certificate"),
    ),
    "administrator": Role(
        _("Administrator"),
        AccountType.STAFF,
        (
            *_STAFF_BASE,
            "regions.change_region",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.manage_api_tokens",
            "core.view_auditentry",
            "orgs.view_organization",
            "orgs.view_application",
            "orgs.change_field",
            "orgs.change_targetgroup",
            "people.change_skill",
            "core.change_optionvalue",
            "supervision.change_checklistitem",
            "supervision.change_indicatorset",
        ),
    ),
}


def role_choices() -> list[tuple[str, str]]:
    return [(key, str(role.label)) for key, role in ROLES.items()]


def sync_roles(using: str = "default") -> None:
    """Create the role groups and set their permissions exactly as listed."""
    for name, role in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for dotted in role.permissions:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
