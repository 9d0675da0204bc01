"""Confirming an uploaded volunteers or hours spreadsheet: once, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import ConflictError
from peiyu.orgs.models import ImportBatch


@audit.service("people.confirm_import")
def confirm_import(batch: ImportBatch, records: Sequence[dict[str, Any]], *, by: User) -> int:
    from peiyu.people import importing

    current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if current.state != ImportBatch.State.CHECKED:
        raise ConflictError(_("This upload was already imported or discarded."))
    created = importing.confirm(current.kind, records, by=by, source_name=current.filename)
    current.state = ImportBatch.State.IMPORTED
    current.row_count = len(records)
    current.created_count = created
    current.save(update_fields=["state", "row_count", "created_count"])
    return created
