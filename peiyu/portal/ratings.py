"""The portal's rating form (满意度评价): the QR code printed for an activity or a mediation case
opens it on a phone; a rating from 1 to 5 and an optional comment, no account needed. A case's
page names only the committee and the type of dispute, never the parties."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from peiyu.activities.models import Activity, MediationCase
from peiyu.activities.services.ratings import submit_rating
from peiyu.core.exceptions import DomainError
from peiyu.portal.feedback import SCALE
from peiyu.portal.tally import SessionTally

ANSWERS = SessionTally("portal_ratings")


class RatingForm(forms.Form):
    """``website`` is a field people never see: a form that fills it in is a robot's."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


def _target(token: str) -> dict[str, Any]:
    """What the token rates: an activity or a mediation case; anything else is not found."""
    activity = Activity.objects.select_related("organization", "region").filter(feedback_token=token).first()
    if activity is not None:
        return {"activity": activity}
    case = (
        MediationCase.objects.filter(feedback_token=token)
        .only("id", "committee", "dispute_type", "status")
        .first()
    )
    if case is not None:
        return {"case": case}
    raise Http404


def rate(request: HttpRequest, token: str = "") -> HttpResponse:
    target = _target(token)
    if ANSWERS.full(request, token):
        return redirect("portal:rate-thanks", token=token)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            # Tell a robot nothing: the page a person sees, with nothing saved.
            return redirect("portal:rate-thanks", token=token)
        try:
            submit_rating(rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"], **target)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            ANSWERS.add(request, token)
            return redirect("portal:rate-thanks", token=token)
    return render(request, "portal/rate_form.html", {**target, "form": form})


def rate_thanks(request: HttpRequest, token: str = "") -> HttpResponse:
    target = _target(token)
    context = {**target, "token": token, "more": ANSWERS.more(request, token)}
    return render(request, "portal/rate_thanks.html", context)
