"""How many answers this browser session has sent to one of the portal's QR forms (a funded
project's satisfaction form, an activity's or a mediation's rating). A volunteer may collect
several residents' answers on one phone, so a few are allowed; the cap stops a form sent again
and again by mistake (the back button, a double tap) from weighing in the results."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class SessionTally:
    key: str
    cap: int = 10

    def count(self, request: HttpRequest, token: str) -> int:
        return int(request.session.get(self.key, {}).get(token, 0))

    def full(self, request: HttpRequest, token: str) -> bool:
        return self.count(request, token) >= self.cap

    def more(self, request: HttpRequest, token: str) -> bool:
        """Answered at least once, and may answer again."""
        return 0 < self.count(request, token) < self.cap

    def add(self, request: HttpRequest, token: str) -> None:
        answers = request.session.get(self.key, {})
        answers[token] = answers.get(token, 0) + 1
        request.session[self.key] = answers
