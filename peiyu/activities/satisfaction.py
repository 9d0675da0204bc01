"""Reads of satisfaction (满意度): what recipients answered about organizations, per
organization and per funded project, from three sources — the ratings of activities and of
mediation cases (this app's ``Rating``) and the funded projects' answers
(``funding.SatisfactionResponse``). Every figure is a correlated subquery of one listing query,
so a page costs the same whatever its rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Expression,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from peiyu.activities.models import Rating
from peiyu.funding.models import Contract, ContractStatus, SatisfactionResponse
from peiyu.orgs.models import Organization

RECENT_COMMENTS = 5


def year_span(year: int | None) -> Q:
    """Answers submitted in ``year`` (local time), as a range the index can use; all without."""
    if year is None:
        return Q()
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    return Q(submitted_at__gte=start, submitted_at__lt=end)


def _per(rows: QuerySet[Any], key: str, aggregate: Any, output: Any) -> Subquery:
    """One aggregate of ``rows`` for the outer row whose key ``key`` points at."""
    grouped = rows.filter(**{key: OuterRef("pk")}).order_by().values(key).annotate(value=aggregate)
    return Subquery(grouped.values("value")[:1], output_field=output)


def _count(rows: QuerySet[Any], key: str) -> Expression:
    return Coalesce(_per(rows, key, Count("id"), IntegerField()), Value(0))  # type: ignore[no-any-return]


def _average(rows: QuerySet[Any], key: str, field: str = "rating") -> Subquery:
    return _per(rows, key, Avg(field), FloatField())


def by_organization(
    organizations: QuerySet[Organization], *, year: int | None = None
) -> QuerySet[Organization]:
    """The organizations that have any answer, each with its activity ratings (count,
    average), mediation ratings (count, average) and funded-project answers (count, average
    rating, average "it helped me"), by name."""
    ratings = Rating.objects.filter(year_span(year))
    answers = SatisfactionResponse.objects.filter(year_span(year))
    activity, case, project = (
        "activity__organization",
        "case__organization",
        "contract__application__organization",
    )
    return (
        organizations.annotate(
            activity_ratings=_count(ratings, activity),
            activity_average=_average(ratings, activity),
            case_ratings=_count(ratings, case),
            case_average=_average(ratings, case),
            answers=_count(answers, project),
            answer_average=_average(answers, project),
            helpful_average=_average(answers, project, "helpful"),
        )
        .filter(Q(activity_ratings__gt=0) | Q(case_ratings__gt=0) | Q(answers__gt=0))
        .select_related("region", "region__parent")
        .order_by("name", "id")
    )


def by_contract(organizations: QuerySet[Organization], *, year: int | None = None) -> QuerySet[Contract]:
    """The signed contracts of these organizations that have any answer: the project's own
    answers (count, average rating and "it helped me") and the ratings of the activities
    recorded under it (count, average)."""
    ratings = Rating.objects.filter(year_span(year))
    answers = SatisfactionResponse.objects.filter(year_span(year))
    return (
        Contract.objects.filter(application__organization__in=organizations.values("pk"))
        .exclude(status=ContractStatus.DRAFT)
        .annotate(
            answers=_count(answers, "contract"),
            answer_average=_average(answers, "contract"),
            helpful_average=_average(answers, "contract", "helpful"),
            activity_ratings=_count(ratings, "activity__contract"),
            activity_average=_average(ratings, "activity__contract"),
        )
        .filter(Q(answers__gt=0) | Q(activity_ratings__gt=0))
        .select_related("application", "application__organization", "application__round")
        .order_by("application__organization__name", "number", "id")
    )


def totals(organizations: QuerySet[Organization], *, year: int | None = None) -> dict[str, Any]:
    """The same figures over all these organizations together, in three queries."""
    scope = organizations.values("pk")
    ratings = Rating.objects.filter(year_span(year))
    activities = ratings.filter(activity__organization__in=scope).aggregate(
        activity_ratings=Count("id"), activity_average=Avg("rating")
    )
    cases = ratings.filter(case__organization__in=scope).aggregate(
        case_ratings=Count("id"), case_average=Avg("rating")
    )
    answers = SatisfactionResponse.objects.filter(
        year_span(year), contract__application__organization__in=scope
    ).aggregate(answers=Count("id"), answer_average=Avg("rating"), helpful_average=Avg("helpful"))
    return {**activities, **cases, **answers}


def summary(ratings: QuerySet[Rating]) -> dict[str, Any]:
    """How many ratings, their average, and the latest comments (one query each)."""
    figures = ratings.aggregate(count=Count("id"), average=Avg("rating"))
    comments = list(ratings.exclude(comment="").order_by("-submitted_at", "-id")[:RECENT_COMMENTS])
    return {**figures, "comments": comments}
