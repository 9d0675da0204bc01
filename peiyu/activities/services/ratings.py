"""Satisfaction (满意度): a recipient rates an activity or a mediation on the portal's short form,
reached by the QR code printed for it. No account is needed; the results are read per
organization and per funded project (with the funding app's satisfaction answers)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.activities.models import Activity, CaseStatus, MediationCase, Rating
from peiyu.core import audit
from peiyu.core.exceptions import DomainError


@audit.service("activities.submit_rating")
def submit_rating(
    *,
    rating: int,
    activity: Activity | None = None,
    case: MediationCase | None = None,
    comment: str = "",
) -> Rating:
    """One rating from 1 to 5 of a held activity or a concluded mediation."""
    if (activity is None) == (case is None):
        raise DomainError(_("Rate one activity or one mediation."))
    if not 1 <= rating <= 5:
        raise DomainError(_("Choose a rating from 1 to 5."))
    if activity is not None and activity.held_on > timezone.localdate():
        raise DomainError(_("This activity has not been held yet."))
    if case is not None and case.status not in (CaseStatus.SUCCEEDED, CaseStatus.FAILED):
        raise DomainError(_("This mediation is still under way: rate it once it has concluded."))
    return Rating.objects.create(activity=activity, case=case, rating=rating, comment=comment.strip()[:300])
