"""Funding rounds on the portal: every round once opened, and each round's public page with its
call, budget, eligibility rules, rubric and selection rule; from the public notice on, the
selected projects and the objection form (only while the notice runs); after the award, the
published results of completed projects."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate
from peiyu.funding.exports import latest_totals
from peiyu.funding.models import (
    RESULTS_PUBLIC,
    SCALE,
    Application,
    ApplicationStatus,
    Contract,
    ContractStatus,
    Round,
    RoundStatus,
    Stage,
)
from peiyu.funding.services.selection import record_objection, rule_text
from peiyu.orgs.forms import validate_phone
from peiyu.orgs.models import LegalForm

# From the start of the notice on, the selection is public.


def round_list(request: HttpRequest) -> HttpResponse:
    """Every round once it has opened, newest first, with its budget and dates."""
    rounds = Round.objects.public().with_budget().select_related("region").order_by("-year", "-id")
    return render(request, "portal/round_list.html", {"page": paginate(request, rounds, per_page=20)})


def eligibility_rules(round: Round) -> list[str]:
    """The round's eligibility rules in words, as ``funding.eligibility`` checks them."""
    rules = []
    if round.legal_forms:
        forms_ = "、".join(str(LegalForm(form).label) for form in round.legal_forms)
        rules.append(_("Open to: %(forms)s.") % {"forms": forms_})
    else:
        rules.append(_("Open to organizations of any legal form, filed community organizations included."))
    if round.min_grade:
        rules.append(
            _("The organization holds a valid grade of %(level)dA or above.") % {"level": round.min_grade}
        )
    rules.append(
        _(
            "The organization is in good standing: its registration is active, it is on no credit list, its "
            "last annual inspection was neither missed nor failed, and it has had no serious sanction in the "
            "last three years."
        )
    )
    fields = [f.name for f in round.fields.all()]
    if fields:
        rules.append(_("The project is in one of these fields: %(fields)s.") % {"fields": "、".join(fields)})
    if round.catalog_items.exists():
        rules.append(_("The project delivers one of the catalog items below, within its budget range."))
    if round.max_request is not None:
        rules.append(_("One project asks for at most %(most)s yuan.") % {"most": round.max_request})
    rules.append(
        _(
            "The budget lines add up to the amount requested, and at least one output is stated with its indicator."
        )
    )
    return rules


def _round(pk: int) -> Round:
    round: Round | None = Round.objects.public().select_related("region").filter(pk=pk).first()
    if round is None:
        raise Http404
    return round


def notice_running(round: Round, today: datetime.date) -> bool:
    return (
        round.status == RoundStatus.NOTICE
        and round.notice_starts_on is not None
        and round.notice_ends_on is not None
        and round.notice_starts_on <= today <= round.notice_ends_on
    )


class ObjectionForm(forms.Form):
    """An objection to the notice's results, made for a phone; no account needed."""

    application = forms.TypedChoiceField(
        label=gettext_lazy("Concerning (optional)"), coerce=int, empty_value=None, required=False
    )
    text = forms.CharField(
        label=gettext_lazy("Your objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What you object to and why, with the facts you know."),
    )
    name = forms.CharField(label=gettext_lazy("Your name (optional)"), max_length=50, required=False)
    contact = forms.CharField(
        label=gettext_lazy("Your phone (optional)"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=gettext_lazy("Only if the office may call you with its answer. It is never published."),
    )

    def __init__(self, *args: Any, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = {a.pk: a for a in applications}
        choices = [(a.pk, f"{a.organization.name} · {a.title}") for a in applications]
        self.fields["application"].choices = [("", _("The selection as a whole")), *choices]  # type: ignore[attr-defined]
        self.fields["contact"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def chosen(self) -> Application | None:
        pk = self.cleaned_data.get("application")
        return self.applications.get(pk) if pk else None


def _results(round: Round) -> list[tuple[Contract, dict[str, Any]]]:
    contracts = (
        Contract.objects.filter(
            application__round=round, status=ContractStatus.COMPLETED, results_published=True
        )
        .select_related("application__organization")
        .prefetch_related("evaluations")
        .order_by("application__rank", "id")
    )
    rows = []
    for contract in contracts:
        totals = latest_totals(contract)
        final = [e for e in contract.evaluations.all() if e.stage == Stage.FINAL]
        rows.append(
            (
                contract,
                {
                    "mid_term": totals[Stage.MID_TERM],
                    "final": totals[Stage.FINAL],
                    "passed": final[-1].passed if final else None,
                },
            )
        )
    return rows


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's public page; during the notice it also takes objections."""
    round = _round(pk)
    today = timezone.localdate()
    selected: list[Application] = []
    if round.status in RESULTS_PUBLIC:
        selected = list(
            round.applications.filter(status__in=[ApplicationStatus.SELECTED, ApplicationStatus.AWARDED])
            .select_related("organization")
            .order_by("rank", "id")
        )
    running = notice_running(round, today)
    form = ObjectionForm(request.POST or None, applications=selected)
    if request.method == "POST" and form.is_valid():
        if not running:
            form.add_error(None, _closed_message(round))
        else:
            try:
                record_objection(
                    round,
                    text=form.cleaned_data["text"],
                    application=form.chosen(),
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"].replace(" ", ""),
                    by=None,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Your objection was received. The office answers every objection before the awards are made."
                    ),
                )
                return redirect(f"{reverse('portal:round-detail', args=[round.pk])}#objection")
    criteria = [
        (c, [(score, c.anchor(score)) for score in range(1, SCALE + 1)]) for c in round.criteria.all()
    ]
    context = {
        "round": round,
        "sources": round.sources.all(),
        "budget": round.budget,
        "catalog_items": round.catalog_items.order_by("code"),
        "rules": eligibility_rules(round),
        "criteria": criteria,
        "selection_rule": rule_text(round),
        "selected": selected,
        "selected_total": sum((a.awarded or 0 for a in selected), 0),
        "notice_running": running,
        "form": form,
        "objections": round.objections.count() if round.status in RESULTS_PUBLIC else 0,
        "answered": round.objections.filter(answered_on__isnull=False).count()
        if round.status in RESULTS_PUBLIC
        else 0,
        "results": _results(round) if round.status in {RoundStatus.AWARDED, RoundStatus.CLOSED} else [],
    }
    return render(request, "portal/round_detail.html", context)


def _closed_message(round: Round) -> str:
    if round.notice_starts_on is None or round.notice_ends_on is None:
        return _(
            "The results of this round have not been put on public notice yet; objections are received only during the notice."
        )
    return _(
        "Objections are received only during the public notice, from %(start)s to %(end)s; it is not running now."
    ) % {"start": round.notice_starts_on, "end": round.notice_ends_on}
