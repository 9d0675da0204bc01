from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, minimum_classes: int = 3) -> None:
        self.minimum_classes = minimum_classes

    def _classes(self, password: str) -> int:
        checks = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        return sum(checks)

    def validate(self, password: str, user: object = None) -> None:
        if self._classes(password) < self.minimum_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least three of: lower-case letters, upper-case letters, "
            "digits and symbols."
        )
