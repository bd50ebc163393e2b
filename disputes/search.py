"""Full-text search over disputes and articles with each database's own engine.

SQLite uses FTS5 tables kept in sync by triggers; PostgreSQL uses GIN indexes
on `to_tsvector('english', ...)`. Both stem English words (FTS5's porter
tokenizer, PostgreSQL's english configuration), match every word of the query,
rank by relevance and return the same `Hit`s, so the pages do not care which
database answers.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Highlight markers that cannot occur in news text; swapped for <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_TERMS = 12

DISPUTE_VECTOR = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, ''))"
ARTICLE_VECTOR = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))"

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
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
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
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS dispute_fts_idx ON disputes_dispute USING gin ({DISPUTE_VECTOR})"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS article_fts_idx ON ingestion_article USING gin ({ARTICLE_VECTOR})"
            )


def drop_search_index(conn=None) -> None:
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for fts in _SQLITE_TABLES:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif conn.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS dispute_fts_idx")
            cursor.execute("DROP INDEX IF EXISTS article_fts_idx")


# Queries ------------------------------------------------------------------------------------

# Only confirmed disputes, and only articles whose text was extracted.
_PUBLIC_ARTICLE_STATES = ("extracted", "annotated")


def _sqlite_search(kind: str, words: list[str], limit: int, offset: int) -> tuple[int, list[Hit]]:
    match = " ".join('"{}"'.format(w.replace('"', "")) for w in words)
    if kind == "dispute":
        fts, table, col, where = "disputes_dispute_fts", "disputes_dispute", 1, "t.review_state = 'confirmed'"
    else:
        states = ", ".join(f"'{s}'" for s in _PUBLIC_ARTICLE_STATES)
        fts, table, col, where = "ingestion_article_fts", "ingestion_article", 1, f"t.status IN ({states})"
    base = f"FROM {fts} JOIN {table} t ON t.id = {fts}.rowid WHERE {fts} MATCH %s AND {where}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base}", [match])
        total = cursor.fetchone()[0]
        if not total:
            return 0, []
        cursor.execute(
            f"SELECT t.id, bm25({fts}, 4.0, 1.0), snippet({fts}, {col}, %s, %s, '…', 24) "
            f"{base} ORDER BY bm25({fts}, 4.0, 1.0) LIMIT %s OFFSET %s",
            [MARK_START, MARK_END, match, limit, offset],
        )
        # bm25 is lower for better matches; flip it so that higher ranks better on both.
        return total, [Hit(kind, pk, -score, snippet) for pk, score, snippet in cursor.fetchall()]


def _postgres_search(kind: str, words: list[str], limit: int, offset: int) -> tuple[int, list[Hit]]:
    if kind == "dispute":
        table, vector, body, where = "disputes_dispute", DISPUTE_VECTOR, "summary", "t.review_state = 'confirmed'"
    else:
        table, vector, body, where = "ingestion_article", ARTICLE_VECTOR, "text", "t.status = ANY(%s)"
    where_params = [] if kind == "dispute" else [list(_PUBLIC_ARTICLE_STATES)]
    query = " ".join(words)
    base = f"FROM {table} t, plainto_tsquery('english', %s) q WHERE {vector} @@ q AND {where}"
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base}", [query, *where_params])
        total = cursor.fetchone()[0]
        if not total:
            return 0, []
        cursor.execute(
            f"SELECT id, rank, ts_headline('english', coalesce({body}, ''), q, %s) FROM ("
            f"SELECT t.id, t.{body}, q, ts_rank(setweight(to_tsvector('english', coalesce(t.title, '')), 'A') "
            f"|| {vector}, q) AS rank {base} ORDER BY rank DESC, t.id LIMIT %s OFFSET %s) hits ORDER BY rank DESC, id",
            [options, query, *where_params, limit, offset],
        )
        return total, [Hit(kind, pk, float(rank), snippet) for pk, rank, snippet in cursor.fetchall()]


def search(kind: str, query: str, *, limit: int = 20, offset: int = 0) -> tuple[int, list[Hit]]:
    """(total matches, one page of hits) for "dispute" or "article", best first."""
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
            f"SELECT id FROM disputes_dispute WHERE {DISPUTE_VECTOR} @@ plainto_tsquery('english', %s)",
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
            f"SELECT id FROM ingestion_article WHERE {ARTICLE_VECTOR} @@ plainto_tsquery('english', %s)",
            [" ".join(words)],
        )
    match = " ".join('"{}"'.format(w) for w in words)
    return RawSQL("SELECT rowid FROM ingestion_article_fts WHERE ingestion_article_fts MATCH %s", [match])
