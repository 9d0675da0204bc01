"""Forms of contracts: the list's filters, signing, paying a tranche, recording an evaluation, a
progress report and the office's comment on it. The services check the rules again."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peiyu.funding.models import (
    ContractQuerySet,
    ContractStatus,
    Evaluation,
    Stage,
    Tranche,
    TrancheStatus,
)

# A date input takes ISO dates whatever the interface language formats dates as.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


def _score(label: Any, **kwargs: Any) -> forms.DecimalField:
    """A score from 0 to 100, to the hundredth."""
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), **kwargs
    )


# What the list can single out (the to-do panel links here).
TO_PAY, HELD, FINAL_DUE = "to_pay", "held", "final_due"


def _blank(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "—"), *choices]


class ContractFilterForm(forms.Form):
    round = forms.TypedChoiceField(
        label=pgettext_lazy("funding round", "Round"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=_blank(ContractStatus.choices), required=False)
    attention = forms.ChoiceField(
        label=_("Needs attention"),
        choices=_blank(
            [
                (TO_PAY, _("Tranches released, to pay")),
                (HELD, _("Tranches held")),
                (FINAL_DUE, _("Ended without a final evaluation")),
            ]
        ),
        required=False,
    )
    q = forms.CharField(label=_("Organization or project"), max_length=100, required=False)

    def __init__(self, data: Any, *, rounds: Iterable[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["round"].choices = _blank(rounds)  # type: ignore[attr-defined]

    def filter(self, contracts: ContractQuerySet) -> ContractQuerySet:
        """Apply the filters; an invalid filter filters nothing."""
        if not self.is_valid():
            return contracts
        data = self.cleaned_data
        if data["round"]:
            contracts = contracts.filter(application__round_id=data["round"])
        if data["status"]:
            contracts = contracts.filter(status=data["status"])
        if data["attention"] in {TO_PAY, HELD}:
            wanted = TrancheStatus.DUE if data["attention"] == TO_PAY else TrancheStatus.HELD
            contracts = contracts.filter(
                Exists(Tranche.objects.filter(contract=OuterRef("pk"), status=wanted))
            )
        elif data["attention"] == FINAL_DUE:
            contracts = contracts.final_due(timezone.localdate())
        if text := data["q"].strip():
            contracts = contracts.filter(
                Q(application__organization__name__icontains=text)
                | Q(application__title__icontains=text)
                | Q(number__icontains=text)
            )
        return contracts

    @property
    def filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("signed_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    voucher = forms.CharField(
        label=_("Payment voucher"), max_length=50, help_text=_("The number of the payment voucher.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("paid_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class EvaluationForm(forms.Form):
    """A mid-term or final evaluation. The beneficiaries' score comes from the portal's
    satisfaction form; only when nobody has answered there is it entered from a paper survey."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    purchaser_score = _score(_("Purchaser's score (0–100)"))
    beneficiary_score = _score(
        _("Beneficiaries' score from a paper survey (0–100)"),
        required=False,
        help_text=_("Nobody has answered the satisfaction form on the portal yet: enter the survey's score."),
    )
    third_party_score = _score(_("Third party's score (0–100)"))
    third_party = forms.CharField(label=_("Third-party evaluator"), max_length=100)
    summary = forms.CharField(label=pgettext_lazy("evaluation", "Findings"), max_length=5000, widget=TEXT)
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DATE)

    def __init__(self, *args: Any, responses: int, stage: str, third_party: str = "", **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("evaluated_on", timezone.localdate())
        initial.setdefault("stage", stage)
        initial.setdefault("third_party", third_party)
        super().__init__(*args, **kwargs)
        if responses:
            # The portal's answers decide the beneficiaries' score; nothing to type in.
            del self.fields["beneficiary_score"]
        else:
            self.fields["beneficiary_score"].required = True


def next_stage(evaluations: Iterable[Evaluation]) -> str:
    """The stage an evaluation is due for: the mid-term until one has passed, then the final."""
    passed = {e.stage for e in evaluations if e.passed}
    return Stage.FINAL if Stage.MID_TERM in passed else Stage.MID_TERM


class ReportForm(forms.Form):
    period = forms.CharField(
        label=pgettext_lazy("progress report", "Period"),
        max_length=30,
        help_text=_("The month or quarter it covers, e.g. 2026年第二季度."),
    )
    activities = forms.IntegerField(label=_("Activities held"), min_value=0, max_value=100_000, initial=0)
    people_served = forms.IntegerField(label=_("People served"), min_value=0, max_value=10_000_000, initial=0)
    spent = forms.DecimalField(
        label=_("Spent to date (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal(0), initial=0
    )
    text = forms.CharField(label=_("Progress"), max_length=10_000, widget=TEXT)
    problems = forms.CharField(
        label=_("Problems and next steps"), max_length=5000, widget=TEXT, required=False
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Office's comment"), max_length=5000, widget=TEXT)
