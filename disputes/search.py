"""Full-text search over disputes and articles with each database's own engine.

SQLite uses FTS5 tables kept in sync by triggers; PostgreSQL a stored
`search_vector` column, kept by a trigger and GIN-indexed, so that neither
matching nor ranking parses text per row. Both stem English words (FTS5's
porter tokenizer, PostgreSQL's english configuration), match every word of the
query, rank by relevance and return the same `Hit`s, so the pages do not care
which database answers.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Highlight markers that cannot occur in news text; swapped for <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_TERMS = 12


def _vector(row: str, body: str) -> str:
    """The stored search vector: the title weighted A for ranking, plus title and body."""
    return (
        f"setweight(to_tsvector('english'::regconfig, coalesce({row}title, '')), 'A') || "
        f"to_tsvector('english'::regconfig, coalesce({row}title, '') || ' ' || coalesce({row}{body}, ''))"
    )


_PG_TABLES = {
    # table: (body column, GIN index)
    "disputes_dispute": ("summary", "dispute_fts_idx"),
    "ingestion_article": ("text", "article_fts_idx"),
}

_SQLITE_TABLES = {
    # fts table: (content table, indexed columns)
    "disputes_dispute_fts": ("disputes_dispute", ("title", "summary")),
    "ingestion_article_fts": ("ingestion_article", ("title", "text")),
}


@dataclass
class Hit:
    kind: str  # "dispute" or "article"
    pk: int
    rank: float
    snippet_raw: str
    obj: object = None
    disputes: list = field(default_factory=list)

    @property
    def snippet(self) -> SafeString:
        """The matching passage, escaped, with the matched words in <mark>."""
        text = escape(self.snippet_raw or "")
        return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def terms(query: str) -> list[str]:
    """The words of a query; operators and punctuation are not the user's to pass."""
    return re.findall(r"\w+", query or "")[:MAX_TERMS]


# Index maintenance ----------------------------------------------------------------------


def _sqlite_statements(fts: str, table: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        ),
        (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        ),
        (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        ),
        (
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        ),
    ]


def ensure_search_index(conn=None) -> None:
    """Create the search tables, triggers or indexes if missing.

    Runs after every migrate: SQLite rebuilds a table for some schema changes and
    drops its triggers with it, which would leave the index silently stale.
    """
    conn = conn or connection
    if not {"disputes_dispute", "ingestion_article"} <= set(conn.introspection.table_names()):
        return  # migrated backwards past the tables
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for fts, (table, columns) in _SQLITE_TABLES.items():
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE %s",
                    [f"{fts}_a_"],
                )
                had_triggers = cursor.fetchone()[0] == 3
                for statement in _sqlite_statements(fts, table, columns):
                    cursor.execute(statement)
                if not had_triggers:
                    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        elif conn.vendor == "postgresql":
            for table, (body, index) in _PG_TABLES.items():
                for statement in _postgres_statements(cursor, table, body, index):
                    cursor.execute(statement)


def _postgres_statements(cursor, table: str, body: str, index: str) -> list[str]:
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'search_vector'", [table]
    )
    backfill = cursor.fetchone() is None
    # A trigger rather than a generated column: a generated column would block
    # later migrations from altering the title or body columns.
    statements = [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        (
            f"CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN NEW.search_vector := {_vector('NEW.', body)}; RETURN NEW; END $$"
        ),
        f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}",
        (
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE OF title, {body} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
        ),
    ]
    if backfill:
        statements.append(f"UPDATE {table} SET search_vector = {_vector('', body)}")
    statements.append(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_vector)")
    return statements


def drop_search_index(conn=None) -> None:
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for fts in _SQLITE_TABLES:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif conn.vendor == "postgresql":
            for table, (_, index) in _PG_TABLES.items():
                cursor.execute(f"DROP INDEX IF EXISTS {index}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


# Queries ------------------------------------------------------------------------------------

# Only confirmed disputes, and only articles whose text was extracted.
_PUBLIC_ARTICLE_STATES = ("extracted", "annotated")
# The columns the search page and its export show; the rest stays deferred.
_COLUMNS = {
    "dispute": ("title", "slug", "country", "start_date", "start_precision"),
    "article": ("title", "url", "canonical_url", "outlet", "published"),
}


def _model(kind: str):
    from ingestion.models import Article

    from .models import Dispute

    return Dispute if kind == "dispute" else Article


def _hits(kind: str, sql: str, params: list, count_sql: str, count_params: list) -> tuple[int, list[Hit]]:
    """Run the query of one page of hits, which carries the total in each row;
    a page past the last hit has no row to carry it, so count apart then."""
    rows = list(_model(kind).objects.raw(sql, params))
    if rows:
        return rows[0].total, [Hit(kind, row.pk, float(row.rank), row.snippet_raw, obj=row) for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        return cursor.fetchone()[0], []


def _sqlite_search(kind: str, words: list[str], limit: int, offset: int) -> tuple[int, list[Hit]]:
    match = " ".join('"{}"'.format(w.replace('"', "")) for w in words)
    if kind == "dispute":
        fts, table, col, where = "disputes_dispute_fts", "disputes_dispute", 1, "t.review_state = 'confirmed'"
    else:
        states = ", ".join(f"'{s}'" for s in _PUBLIC_ARTICLE_STATES)
        fts, table, col, where = "ingestion_article_fts", "ingestion_article", 1, f"t.status IN ({states})"
    base = f"FROM {fts} JOIN {table} t ON t.id = {fts}.rowid WHERE {fts} MATCH %s AND {where}"
    columns = ", ".join(f"t.{c}" for c in _COLUMNS[kind])
    # bm25 is lower for better matches; negated so that higher ranks better on
    # both databases. SQLite refuses window functions beside bm25(), so the
    # total is an uncorrelated subquery, run once.
    return _hits(
        kind,
        f"SELECT t.id, {columns}, -bm25({fts}, 4.0, 1.0) AS rank, "
        f"snippet({fts}, {col}, %s, %s, '…', 24) AS snippet_raw, (SELECT count(*) {base}) AS total "
        f"{base} ORDER BY rank DESC, t.id LIMIT %s OFFSET %s",
        [MARK_START, MARK_END, match, match, limit, offset],
        f"SELECT count(*) {base}",
        [match],
    )


def _postgres_search(kind: str, words: list[str], limit: int, offset: int) -> tuple[int, list[Hit]]:
    if kind == "dispute":
        table, body, where = "disputes_dispute", "summary", "t.review_state = 'confirmed'"
    else:
        table, body, where = "ingestion_article", "text", "t.status = ANY(%s)"
    where_params = [] if kind == "dispute" else [list(_PUBLIC_ARTICLE_STATES)]
    query = " ".join(words)
    base = f"FROM {table} t, plainto_tsquery('english', %s) q WHERE t.search_vector @@ q AND {where}"
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1"
    columns = ", ".join(_COLUMNS[kind])
    # Rank and count on the stored vectors; headlines only for the page's rows.
    return _hits(
        kind,
        f"SELECT id, {columns}, rank, total, ts_headline('english', coalesce({body}, ''), q, %s) AS snippet_raw "
        f"FROM (SELECT t.id, {', '.join(f't.{c}' for c in _COLUMNS[kind])}, t.{body}, q, "
        f"ts_rank(t.search_vector, q) AS rank, count(*) OVER () AS total {base} "
        f"ORDER BY rank DESC, t.id LIMIT %s OFFSET %s) hits ORDER BY rank DESC, id",
        [options, query, *where_params, limit, offset],
        f"SELECT count(*) {base}",
        [query, *where_params],
    )


def search(kind: str, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[Hit]]:
    """(total matches, one page of hits) for "dispute" or "article", best
    first, each hit with its row (the columns the page shows) as `obj`."""
    words = terms(query)
    if not words:
        return 0, []
    if connection.vendor == "postgresql":
        return _postgres_search(kind, words, limit, offset)
    return _sqlite_search(kind, words, limit, offset)


def dispute_match_sql(query: str):
    """A subquery of the ids of disputes matching `query`, for `filter(pk__in=...)`."""
    from django.db.models.expressions import RawSQL

    words = terms(query)
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT id FROM disputes_dispute WHERE search_vector @@ plainto_tsquery('english', %s)",
            [" ".join(words)],
        )
    match = " ".join('"{}"'.format(w) for w in words)
    return RawSQL("SELECT rowid FROM disputes_dispute_fts WHERE disputes_dispute_fts MATCH %s", [match])


def article_match_sql(query: str):
    """A subquery of the ids of articles matching `query`, for the API's `q` filter."""
    from django.db.models.expressions import RawSQL

    words = terms(query)
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT id FROM ingestion_article WHERE search_vector @@ plainto_tsquery('english', %s)",
            [" ".join(words)],
        )
    match = " ".join('"{}"'.format(w) for w in words)
    return RawSQL("SELECT rowid FROM ingestion_article_fts WHERE ingestion_article_fts MATCH %s", [match])
