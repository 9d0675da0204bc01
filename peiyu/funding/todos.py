"""The funding app's entries in the workbench's to-do panel."""

from __future__ import annotations

from collections.abc import Callable

from peiyu.accounts.models import User
from peiyu.core.todos import Todo

PROVIDERS: list[Callable[[User], list[Todo]]] = []
