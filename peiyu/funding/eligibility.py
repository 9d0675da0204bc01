"""Is an application eligible for its round, and if not, why. Every reason is stated, so an
organization sees all that stands in its way at once."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.funding.models import Application, Round
from peiyu.orgs.models import LegalForm, Organization
from peiyu.supervision.services.grades import grade_of
from peiyu.supervision.standing import good_standing


def organization_reasons(
    organization: Organization, round: Round, on: datetime.date | None = None
) -> list[str]:
    """What keeps the organization itself out of the round: legal form, grade, and good
    standing (registration status, credit lists, the last annual inspection, serious
    violations in the last three years)."""
    on = on or timezone.localdate()
    reasons: list[str] = []
    if round.legal_forms and organization.legal_form not in round.legal_forms:
        wanted = "、".join(str(LegalForm(form).label) for form in round.legal_forms)
        have = organization.get_legal_form_display() or _("no legal form (a filed community organization)")
        reasons.append(
            _("The round is open to %(wanted)s; %(name)s is %(have)s.")
            % {"wanted": wanted, "name": organization.name, "have": have}
        )
    if round.min_grade:
        grade = grade_of(organization, on)
        if grade is None:
            reasons.append(
                _("The round asks for a valid grade of %(level)dA or above; it has no valid grade.")
                % {"level": round.min_grade}
            )
        elif grade.level < round.min_grade:
            reasons.append(
                _("The round asks for a grade of %(level)dA or above; it is graded %(have)dA.")
                % {"level": round.min_grade, "have": grade.level}
            )
    reasons.extend(good_standing(organization, on).reasons)
    return reasons


def application_reasons(application: Application, on: datetime.date | None = None) -> list[str]:
    """Everything that keeps this application out: the organization's reasons, then the
    project's (field, catalog item and its budget range, the most one project may ask, the
    the budget having lines, at least one output)."""
    round = application.round
    reasons = organization_reasons(application.organization, round, on)
    fields = set(round.fields.values_list("pk", flat=True))
    if fields and application.field_id not in fields:
        reasons.append(_("The round does not fund projects in %(field)s.") % {"field": application.field})
    items = set(round.catalog_items.values_list("pk", flat=True))
    if items and application.catalog_item_id not in items:
        reasons.append(_("Choose the catalog item of this round the project delivers."))
    item = application.catalog_item
    if item is not None and not item.budget_min <= application.requested <= item.budget_max:
        reasons.append(
            _("The catalog item's budget runs from %(low)s to %(high)s yuan; the request is %(amount)s.")
            % {"low": item.budget_min, "high": item.budget_max, "amount": application.requested}
        )
    if round.max_request is not None and application.requested > round.max_request:
        reasons.append(
            _("One project may ask for at most %(most)s yuan; the request is %(amount)s.")
            % {"most": round.max_request, "amount": application.requested}
        )
    # The request is the sum of the lines (``update_application`` keeps it so).
    if not application.budget_lines.exists():
        reasons.append(_("The budget has no lines."))
    if not application.outputs.exists():
        reasons.append(_("State at least one output with its indicator."))
    return reasons
