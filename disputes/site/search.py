"""Full-text search over disputes and articles with each database's own engine.

SQLite uses FTS5 tables kept in sync by triggers; PostgreSQL a stored
`search_vector` column, kept by a trigger and GIN-indexed, so that neither
matching nor ranking parses text per row. Both stem English words (FTS5's
porter tokenizer, PostgreSQL's english configuration), match every word of the
query, rank alike (a query word in the title first, then the newest; no
IDF, which FTS5 would pay for by walking every document holding each word) and
return the same `Hit`s, so the pages do not care which database answers.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import Stemmer
from django.db import connection
from django.db.models import DEFERRED
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disputes.models import Dispute, Evidence
from ingestion.models import Article

# Highlight markers that cannot occur in news text; swapped for <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
MAX_TERMS = 12


def _vector(row: str, body: str) -> str:
    """The stored search vector: title and body. (Rows stored before it lost its A-weighted
    copy of the title still carry one; no query reads weights, see _title_test.)"""
    return f"to_tsvector('english'::regconfig, coalesce({row}title, '') || ' ' || coalesce({row}{body}, ''))"


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
    def unreviewed(self) -> bool:
        """An article of the archive that no public evidence cites (shown to researchers only)."""
        return self.kind == "article" and not self.disputes

    @property
    def snippet(self) -> SafeString:
        """The matching passage, escaped, with the matched words in <mark>."""
        text = escape(self.snippet_raw or "")
        return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def terms(query: str) -> list[str]:
    """The words of a query; operators and punctuation are not the user's to pass."""
    return re.findall(r"\w+", query or "")[:MAX_TERMS]


# Passages ------------------------------------------------------------------------------------
# Built here from the text the search query returns, rather than by FTS5's snippet() or
# ts_headline(): both need a second pass over the matches (snippet() only runs in a MATCH
# query) or parse each text in the database, and cost more than the search itself.

PASSAGE_WORDS = 24
# A word as FTS5's unicode61 tokenizer cuts it: letters and digits.
_WORD = re.compile(r"(?<![^\W_])[^\W_]+")


@cache
def _stemmer(algorithm: str):
    return Stemmer.Stemmer(algorithm)


def _sqlite_key(word: str) -> str:
    """A word as FTS5 indexes it: folded, without diacritics, Porter-stemmed from 3 letters."""
    word = word.lower()
    if not word.isascii():
        word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return _stemmer("porter").stemWord(word) if 3 <= len(word) <= 64 else word


def _postgres_key(word: str) -> str:
    """A word as the english configuration indexes it (no unaccent there)."""
    return _stemmer("english").stemWord(word.lower())


class Passages:
    """The passage of a text around the words that stem like `stems`, marked."""

    def __init__(self, stems, key, *, fold_diacritics: bool):
        self.stems, self.key, self.fold_diacritics = frozenset(stems), key, fold_diacritics
        # A stem keeps its word's first letter and differs from the word in at most its
        # last three letters, so only words starting with a stem's head can match.
        self.heads = sorted({s[: max(1, len(s) - 3)] for s in self.stems})
        pattern = "|".join(re.escape(h) for h in self.heads) or "(?!)"
        # For texts with letters that fold onto ASCII ones, or that lower-case to another length.
        self._scan = re.compile(rf"(?<![^\W_])(?:(?:{pattern})[^\W_]*|[^\W_]*[^\W_\x00-\x7f][^\W_]*)", re.I)
        self._keys = {}

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, stem) of each word of `text` matching a query word, in order."""
        lower = text.lower()
        if len(lower) != len(text) or (self.fold_diacritics and not text.isascii()):
            words = ((m.start(), m.end()) for m in self._scan.finditer(text))
        else:
            # str.find is some twenty times faster than a regular expression here.
            starts = {}
            for head in self.heads:
                at = lower.find(head)
                while at != -1:
                    if at == 0 or not lower[at - 1].isalnum():
                        starts[at] = _WORD.match(text, at).end()
                    at = lower.find(head, at + 1)
            words = sorted(starts.items())
        found = []
        for start, end in words:
            word = text[start:end]
            key = self._keys.get(word)
            if key is None:
                key = self._keys[word] = self.key(word)
            if key in self.stems:
                found.append((start, end, key))
        return found

    def __call__(self, text: str, words: int = PASSAGE_WORDS) -> str:
        """About `words` words of `text` with the most distinct query words,
        matched words between MARK_START and MARK_END, "…" where it is cut."""
        text = text or ""
        found = self._matches(text)
        if not found:
            return self._window(text, 0, words, [])
        # The window starting at the hit followed most closely by the most distinct
        # words; a word is about 7 characters here, so 24 words span ~170.
        span, most = words * 7, len({k for _, _, k in found})
        best, best_score = 0, 0
        for i, (start, _, _) in enumerate(found):
            seen = set()
            for s, _, k in found[i:]:
                if s - start >= span:
                    break
                seen.add(k)
            if len(seen) > best_score:
                best, best_score = i, len(seen)
                if best_score == most:
                    break
        return self._window(text, found[best][0], words, found)

    @staticmethod
    def _window(text: str, at: int, words: int, found: list) -> str:
        # A quarter of the words before the first hit, for context, and the rest after
        # it (more before when the text ends first). One regular expression match per
        # side, over only the characters the passage can span: a match per word costs more.
        n_before = words // 4 if at else 0
        after = _words_after(words - n_before).search(text, at)
        if after is None:
            return ""
        start, end = after.start(), after.end()
        if at and _WORD.search(text, end) is None:  # about as many words as spaces
            n_before = words - min(after.group().count(" ") + 1, words - n_before)
        if n_before:
            low = max(0, start - 16 * n_before)
            before = _words_before(n_before).match(text[low:start][::-1])
            start -= before.end()
            if start == low and low and text[low - 1].isalnum():  # cut inside a word: drop it
                start = _WORD_AND_SPACE.match(text, start).end()
        more_before = _WORD.search(text, 0, start) is not None
        more_after = _WORD.search(text, end) is not None
        if not more_after:
            end = len(text.rstrip())  # keep a closing full stop
        pieces, pos = [], start
        for s, e, _ in found:
            if start <= s and e <= end:
                pieces += [text[pos:s], MARK_START, text[s:e], MARK_END]
                pos = e
        pieces.append(text[pos:end])
        return ("…" if more_before else "") + "".join(pieces) + ("…" if more_after else "")


_WORD_AND_SPACE = re.compile(r"[^\W_]*[\W_]*")


@cache
def _words_after(n: int):
    """Up to `n` words."""
    return re.compile(rf"[^\W_]+(?:[\W_]+[^\W_]+){{0,{n - 1}}}")


@cache
def _words_before(n: int):
    """On reversed text: up to `n` words, each after its separators."""
    return re.compile(rf"(?:[\W_]+[^\W_]+){{0,{n}}}")


# Index maintenance ----------------------------------------------------------------------


# FTS5 leaf pages of 1,000 bytes instead of its default 4,050: an AND of a rare word and a
# common one seeks through the common word's list in finer steps, at a small cost to a search
# of two common words (measured with bench/pages.py's search page).
FTS5_PAGE_SIZE = 1000


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
            # Only when an indexed column is written: status and lease updates of an article
            # would otherwise re-tokenise its whole text every time (measured: a third of
            # an article's extraction step in bench/ingest.py).
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
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
                # An update trigger from before it named its columns fires on every update.
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type='trigger' AND name = %s", [f"{fts}_au"]
                )
                row = cursor.fetchone()
                if row and " UPDATE OF " not in row[0]:
                    cursor.execute(f"DROP TRIGGER {fts}_au")
                for statement in _sqlite_statements(fts, table, columns):
                    cursor.execute(statement)
                cursor.execute(f"SELECT v FROM {fts}_config WHERE k = 'pgsz'")
                row = cursor.fetchone()
                sized = row is not None and int(row[0]) == FTS5_PAGE_SIZE
                if not sized:
                    cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('pgsz', %s)", [FTS5_PAGE_SIZE])
                if not had_triggers or not sized:  # rewritten in leaves of the new size
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

# The columns the search page and its export show; the rest stays deferred.
_COLUMNS = {
    "dispute": ("title", "slug", "country", "start_date", "start_precision"),
    "article": ("title", "url", "canonical_url", "outlet", "published"),
}


def _model(kind: str):
    return Dispute if kind == "dispute" else Article


_DATES = {"dispute": "start_date", "article": "published"}
# What a hit's rank is worth: a query word in the title, or only in the text
# (PostgreSQL's default weights for A and D).
TITLE_RANK, TEXT_RANK = 1.0, 0.1


def _order(prefix: str, kind: str) -> str:
    """Hits naming a query word in their title first, then the newest."""
    return f"rank DESC, {prefix}{_DATES[kind]} DESC NULLS LAST, {prefix}id"


def _ids(queryset) -> tuple[str, tuple]:
    """SQL (and its parameters) for the ids of a queryset: the raw queries below take what is
    public from the models' `public()` methods rather than repeating it."""
    return queryset.order_by().values("pk").query.sql_with_params()


def _scope(kind: str, archive: bool) -> tuple[str, tuple]:
    """The rows a search may return, as a condition on `t`: public disputes; public articles,
    or, for signed-in researchers (`archive`), every article whose text was extracted."""
    articles = _model("article").objects.archive()
    if kind == "dispute":
        scope = _model("dispute").objects.public()
    else:
        scope = articles if archive else articles.public()
    sql, params = _ids(scope)
    return f"t.id IN ({sql})", params


def _cited(template: str) -> tuple[str, tuple]:
    """The public disputes citing an article in public evidence, as [[id, title, slug], ...]
    in the order of the evidence (Evidence.Meta.ordering)."""
    sql, params = _ids(Evidence.objects.public())
    return template.format(public=sql), params


_SQLITE_CITED = (
    "(SELECT json_group_array(json_array(id, title, slug)) FROM (SELECT d.id, d.title, d.slug "
    "FROM disputes_evidence e JOIN disputes_dispute d ON d.id = e.dispute_id "
    "WHERE e.article_id = hits.id AND e.id IN ({public}) ORDER BY e.published, e.id))"
)
_POSTGRES_CITED = (
    "(SELECT json_agg(json_build_array(d.id, d.title, d.slug) ORDER BY e.published, e.id) "
    "FROM disputes_evidence e JOIN disputes_dispute d ON d.id = e.dispute_id "
    "WHERE e.article_id = hits.id AND e.id IN ({public}))"
)


def _instance(model, fields: list[str], values: dict):
    """A model instance from some of its columns, the others deferred (as `raw()` would, cheaper)."""
    return model.from_db(connection.alias, fields, [values.get(name, DEFERRED) for name in fields])


def _hits(kind: str, rows: list, columns: tuple[str, ...], passages: Passages) -> list[Hit]:
    """Hits from (id, *columns, rank, body, cited) rows; `cited` lists the
    disputes an article is evidence for (one evidence row per dispute and article)."""
    model = _model(kind)
    fields = [f.attname for f in model._meta.concrete_fields]
    dispute_fields = [f.attname for f in Dispute._meta.concrete_fields]
    hits = []
    for pk, *values, rank, body, cited in rows:
        obj = _instance(model, fields, dict(zip(columns, values), id=pk))
        hit = Hit(kind, pk, float(rank), passages(body), obj=obj)
        hit.disputes = [
            _instance(Dispute, dispute_fields, {"id": dispute_id, "title": title, "slug": slug})
            for dispute_id, title, slug in cited or []
        ]
        hits.append(hit)
    return hits


# Endings stripped to find a word's root for the title test, longest first.
_ENDINGS = ("ations", "ation", "ings", "ions", "ing", "ion", "ers", "ies", "er", "es", "ed", "s")


def root(word: str) -> str:
    """A crude stem, for ranking only: "encryption" and "encrypted" share "encrypt"."""
    word = word.lower()
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _title_test(function: str, count: int) -> str:
    """SQL: the title has a word starting with one of `count` roots (parameters, each after a
    space). The same test on both databases (`instr` on SQLite, `strpos` on PostgreSQL); it reads
    the title only, where FTS5 would need a second pass over the matches and PostgreSQL would
    unpack each match's stored vector."""
    return " OR ".join([f"{function}(' ' || lower(t.title), %s) > 0"] * count)


def _sqlite_search(kind: str, words: list[str], limit: int, offset: int, archive: bool) -> tuple[int, list[Hit]]:
    match = " ".join('"{}"'.format(w.replace('"', "")) for w in words)
    if kind == "dispute":
        fts, table, body = "disputes_dispute_fts", "disputes_dispute", "summary"
    else:
        fts, table, body = "ingestion_article_fts", "ingestion_article", "text"
    where, where_params = _scope(kind, archive)
    cited, cited_params = _cited(_SQLITE_CITED) if kind == "article" else ("NULL", ())
    columns = _COLUMNS[kind]
    # Not bm25(): its IDF walks the whole list of every query word ("encryption"
    # is in half the articles) before it ranks a row, and FTS5 offers no cheaper
    # term-frequency function. Asking FTS5 whether a word is in the title
    # (a column filter) costs a second pass over the matches, so the title test
    # compares word roots in the row's title: a word start in the title.
    roots = [f" {root(w)}" for w in words]
    in_title = _title_test("instr", len(roots))
    base = f"FROM {fts} JOIN {table} t ON t.id = {fts}.rowid WHERE {fts} MATCH %s AND {where}"
    with connection.cursor() as cursor:
        # SQLite computes the selected columns of every match before sorting: the inner query
        # sorts only what it sorts by, and the columns shown (the body, the citing disputes)
        # are read in the outer query, for the page's rows only.
        cursor.execute(
            f"SELECT hits.id, {', '.join(f't.{c}' for c in columns)}, rank, t.{body}, "
            f"{cited}, total FROM ("
            f"SELECT t.id, t.{_DATES[kind]}, "
            f"CASE WHEN {in_title} THEN {TITLE_RANK} ELSE {TEXT_RANK} END AS rank, count(*) OVER () AS total "
            f"{base} ORDER BY {_order('t.', kind)} LIMIT %s OFFSET %s) hits "
            f"JOIN {table} t ON t.id = hits.id ORDER BY {_order('hits.', kind)}",
            [*cited_params, *roots, match, *where_params, limit, offset],
        )
        rows = cursor.fetchall()
        if not rows:
            if offset == 0:
                return 0, []
            cursor.execute(f"SELECT count(*) {base}", [match, *where_params])
            return cursor.fetchone()[0], []
    total = rows[0][-1]
    rows = [(*row[:-2], json.loads(row[-2]) if row[-2] else []) for row in rows]
    return total, _hits(kind, rows, columns, Passages({_sqlite_key(w) for w in words}, _sqlite_key, fold_diacritics=True))


def _postgres_search(kind: str, words: list[str], limit: int, offset: int, archive: bool) -> tuple[int, list[Hit]]:
    table, body = ("disputes_dispute", "summary") if kind == "dispute" else ("ingestion_article", "text")
    where, where_params = _scope(kind, archive)
    cited, cited_params = _cited(_POSTGRES_CITED) if kind == "article" else ("NULL", ())
    query = " ".join(words)
    roots = [f" {root(w)}" for w in words]
    base = f"FROM {table} t, plainto_tsquery('english', %s) q WHERE t.search_vector @@ q AND {where}"
    columns = _COLUMNS[kind]
    # Rank and count on the stored vectors and titles; the columns shown, the body and the
    # citing disputes only for the page's rows (the inner query would otherwise carry every
    # match's). The query's lexemes (stemmed, without stop words) come along for the passages.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT hits.id, {', '.join(f't.{c}' for c in columns)}, rank, t.{body}, "
            f"{cited}, total, tsvector_to_array(to_tsvector('english', %s)) "
            f"FROM (SELECT t.id, t.{_DATES[kind]}, "
            f"CASE WHEN {_title_test('strpos', len(roots))} THEN {TITLE_RANK} ELSE {TEXT_RANK} END AS rank, "
            f"count(*) OVER () AS total {base} ORDER BY {_order('t.', kind)} LIMIT %s OFFSET %s) hits "
            f"JOIN {table} t ON t.id = hits.id ORDER BY {_order('hits.', kind)}",
            [*cited_params, query, *roots, query, *where_params, limit, offset],
        )
        rows = cursor.fetchall()
        if not rows:
            if offset == 0:
                return 0, []
            cursor.execute(f"SELECT count(*) {base}", [query, *where_params])
            return cursor.fetchone()[0], []
    total, lexemes = rows[0][-2:]
    return total, _hits(kind, [row[:-2] for row in rows], columns, Passages(lexemes, _postgres_key, fold_diacritics=False))


def search(kind: str, query: str, *, limit: int = 20, offset: int = 0, archive: bool = False) -> tuple[int, list[Hit]]:
    """(total matches, one page of hits) for "dispute" or "article", best
    first, each hit with its row (the columns the page shows) as `obj`.

    Only what is public, unless `archive`: then articles come from the unreviewed
    archive too (for signed-in researchers; disputes stay the public ones)."""
    words = terms(query)
    if not words:
        return 0, []
    if connection.vendor == "postgresql":
        return _postgres_search(kind, words, limit, offset, archive)
    return _sqlite_search(kind, words, limit, offset, archive)


def _match_sql(table: str, query: str) -> RawSQL:
    """A subquery of the ids of `table`'s rows matching `query`, for `filter(pk__in=...)`."""
    words = terms(query)
    if connection.vendor == "postgresql":
        return RawSQL(
            f"SELECT id FROM {table} WHERE search_vector @@ plainto_tsquery('english', %s)", [" ".join(words)]
        )
    match = " ".join('"{}"'.format(w) for w in words)
    return RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [match])


def dispute_match_sql(query: str) -> RawSQL:
    """The ids of disputes matching `query` (the disputes list's search box)."""
    return _match_sql("disputes_dispute", query)


def article_match_sql(query: str) -> RawSQL:
    """The ids of articles matching `query`, for the API's `q` filter."""
    return _match_sql("ingestion_article", query)
