"""The engine half of organization search: the same tokens (``peiyu.lib.search``) indexed by
FTS5 on SQLite and by a GIN index over ``array_to_tsvector`` on PostgreSQL.

On SQLite the index is an external-content FTS5 table kept in step by triggers; on PostgreSQL
an expression index over the search column needs no second copy of the text.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import ExpressionWrapper, RawSQL

from peiyu.lib.search import Query

PG_VECTOR = "array_to_tsvector(string_to_array(orgs_organization.search_text, ' '))"

SQLITE_SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS orgs_organization_fts USING fts5("
    "search_text, content='orgs_organization', content_rowid='id', "
    'tokenize="unicode61 remove_diacritics 0")',
    "CREATE TRIGGER IF NOT EXISTS orgs_organization_fts_insert AFTER INSERT ON orgs_organization BEGIN "
    "INSERT INTO orgs_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS orgs_organization_fts_delete AFTER DELETE ON orgs_organization BEGIN "
    "INSERT INTO orgs_organization_fts(orgs_organization_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS orgs_organization_fts_update AFTER UPDATE OF search_text ON orgs_organization "
    "BEGIN INSERT INTO orgs_organization_fts(orgs_organization_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO orgs_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO orgs_organization_fts(orgs_organization_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS orgs_organization_fts_insert",
    "DROP TRIGGER IF EXISTS orgs_organization_fts_delete",
    "DROP TRIGGER IF EXISTS orgs_organization_fts_update",
    "DROP TABLE IF EXISTS orgs_organization_fts",
]
PG_SCHEMA = [
    f"CREATE INDEX IF NOT EXISTS orgs_organization_search ON orgs_organization USING gin (({PG_VECTOR}))"
]
PG_DROP = ["DROP INDEX IF EXISTS orgs_organization_search"]


def matching(query: Query) -> Q:
    """Rows whose search tokens satisfy ``query``.

    A query of three or more characters asks for all its character pairs; that could in theory
    also match a name holding those pairs apart, but a LIKE check to rule it out would have to
    see the name as normalized (punctuation removed) and would cost a scan; it is left out."""
    if connection.vendor == "postgresql":
        condition = Q(
            ExpressionWrapper(
                RawSQL(f"{PG_VECTOR} @@ %s::tsquery", [query.tsquery()]),  # noqa: S611 - constant SQL, bound query
                output_field=BooleanField(),
            )
        )
    else:
        condition = Q(
            id__in=RawSQL(
                "SELECT rowid FROM orgs_organization_fts WHERE orgs_organization_fts MATCH %s", [query.fts5()]
            )
        )
    return condition


def raw_sql(query: Query) -> tuple[str, list[str]]:
    """The same search as one hand-written statement, for the benchmark's raw-engine ratio."""
    if connection.vendor == "postgresql":
        sql = f"SELECT id, name FROM orgs_organization WHERE {PG_VECTOR} @@ %s::tsquery"  # noqa: S608 - constant
        params = [query.tsquery()]
    else:
        sql = (
            "SELECT id, name FROM orgs_organization WHERE id IN "
            "(SELECT rowid FROM orgs_organization_fts WHERE orgs_organization_fts MATCH %s)"
        )
        params = [query.fts5()]
    return sql + " ORDER BY id DESC LIMIT 20", params
