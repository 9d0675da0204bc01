"""The beneficiaries' satisfaction form (满意度测评) on the portal: a funded project's QR code
opens it on a phone; two questions from 1 to 5 and an optional comment, no account needed. The
answers make up the beneficiaries' score in the project's evaluations."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from peiyu.core.exceptions import DomainError
from peiyu.funding.models import Contract, ContractStatus
from peiyu.funding.services.contracts import record_satisfaction
from peiyu.portal.tally import SessionTally

ANSWERS = SessionTally("portal_feedback_answers")

SCALE = [(5, _("5 · Very satisfied")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 · Not at all satisfied"))]
HELPED = [(5, _("5 · Agree completely")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 · Do not agree at all"))]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service overall?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    helpful = forms.TypedChoiceField(
        label=_("The service helped me."),
        choices=HELPED,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _contract(token: str) -> Contract:
    contract = (
        Contract.objects.select_related("application", "application__organization")
        .filter(feedback_token=token)
        .first()
    )
    if contract is None:
        raise Http404
    return contract


def feedback_form(request: HttpRequest, token: str) -> HttpResponse:
    contract = _contract(token)
    if contract.status == ContractStatus.DRAFT:
        return render(request, "portal/feedback_not_yet.html", {"contract": contract})
    if ANSWERS.full(request, token):
        return redirect("portal:feedback-thanks", token=token)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_satisfaction(
                contract, rating=data["rating"], helpful=data["helpful"], comment=data["comment"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            ANSWERS.add(request, token)
            return redirect("portal:feedback-thanks", token=token)
    return render(request, "portal/feedback_form.html", {"contract": contract, "form": form})


def feedback_thanks(request: HttpRequest, token: str) -> HttpResponse:
    contract = _contract(token)
    context = {
        "contract": contract,
        "answered": ANSWERS.count(request, token),
        "more": ANSWERS.more(request, token),
    }
    return render(request, "portal/feedback_thanks.html", context)
