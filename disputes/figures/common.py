"""Shared pieces of the transparency-report parsers.

Every parser yields `ParsedRow` (a platform-reported figure), `StopEvent` (an
Access Now shutdown record), `SkippedRow` (a row the publisher ships that we
drop on purpose, e.g. Twitter's all-zero "Worldwide" rows) or `RowError` (a
row we could not read). Line numbers are the file's physical line where the
CSV record starts, so a curator can open the file at that line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from disputes import vocab

# Platform codes, from the vocabulary the disputes app uses.
PLATFORMS = tuple(term.code for term in vocab.PLATFORMS)

SOURCES = ("google", "meta", "twitter", "stop")

PUBLISHERS = {
    "google": "Google Transparency Report",
    "meta": "Meta Transparency Center",
    "twitter": "Twitter (X) Transparency Center",
    "stop": "Access Now #KeepItOn STOP",
}


class SourceFormatError(ValueError):
    """The file is not one this parser knows (wrong source, unknown header)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else f"line {self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkippedRow:
    line: int
    reason: str
    file: str = ""


@dataclass(slots=True)
class ParsedRow:
    """One platform-reported figure for a country, platform and half-year."""

    source: str
    dataset: str
    source_key: str
    line: int
    file: str
    country: str  # ISO 3166-1 alpha-2 ("XK", "EU" allowed); "" for Europol/Interpol
    country_name: str
    platform: str
    period_start: date
    period_end: date
    requests: int | None = None
    # "<10" is stored as requests=None, requests_below=10 (i.e. 1..9).
    requests_below: int | None = None
    items: int | None = None
    items_below: int | None = None
    items_unit: str = "items"
    compliance_rate: Decimal | None = None  # percent, 0..100
    compliance_basis: str = ""  # "items" or "requests": the two are not comparable
    requester_type: str = ""
    reason: str = ""
    product: str = ""
    raw: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def publisher(self) -> str:
        return PUBLISHERS[self.source]


@dataclass(slots=True)
class StopEvent:
    """One row of Access Now's STOP dataset: a shutdown or a platform block."""

    source_key: str
    line: int
    file: str
    country: str  # first country of the row
    countries: list[str]
    country_names: str
    start: date
    end: date | None
    start_type: str = ""
    status: str = ""
    extent: str = ""
    shutdown_type: str = ""
    affected_network: str = ""
    area_name: str = ""
    services_affected: list[str] = field(default_factory=list)
    other_services: str = ""
    justification: str = ""
    cause: str = ""
    ordered_by: str = ""
    decision_maker: str = ""
    count_year: int | None = None
    evidence_urls: list[str] = field(default_factory=list)
    description: str = ""
    an_link: str = ""
    raw: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: str = "stop"
    dataset: str = "stop"

    @property
    def publisher(self) -> str:
        return PUBLISHERS["stop"]

    @property
    def platforms(self) -> list[str]:
        return [s for s in self.services_affected if s in PLATFORMS and s != "other"]


# --- numbers ---------------------------------------------------------------

MISSING = {"", "N/A", "NA", "NULL", "?", "-", "n/a", "null"}


@dataclass(frozen=True, slots=True)
class Count:
    value: int | None
    below: int | None = None  # set for "<10": the true value is under this


def parse_count(text: str) -> Count:
    """Read a published count: `1,234`, `<10`, blank/`N/A`/`NULL`/`?` (unknown).

    Raises ValueError for anything else (including negatives), so the caller
    can report the row.
    """
    text = (text or "").strip()
    if text in MISSING:
        return Count(None)
    if text.startswith("<"):
        bound = parse_count(text[1:]).value
        if bound is None:
            raise ValueError(f"unreadable count {text!r}")
        return Count(None, bound)
    digits = text.replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not digits.isdigit():
        raise ValueError(f"unreadable count {text!r}")
    return Count(int(digits))


def parse_decimal(text: str) -> Decimal | None:
    text = (text or "").strip()
    if text in MISSING:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"unreadable number {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"unreadable number {text!r}")
    return value


def parse_iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"unreadable date {text!r}") from None


# --- periods ---------------------------------------------------------------

def half_year(year: int, half: int) -> tuple[date, date]:
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    if half == 2:
        return date(year, 7, 1), date(year, 12, 31)
    raise ValueError(f"no half-year {half}")


def period_from_end(text: str) -> tuple[date, date]:
    """Google labels a half-year by its last day (`2019-06-30`)."""
    end = parse_iso_date(text)
    if (end.month, end.day) not in {(6, 30), (12, 31)}:
        raise ValueError(f"period end {text!r} is not the last day of a half-year")
    return half_year(end.year, 1 if end.month == 6 else 2)


def period_from_start(text: str) -> tuple[date, date]:
    """Twitter labels a half-year by its first day (`2020-07-01`)."""
    start = parse_iso_date(text)
    if (start.month, start.day) not in {(1, 1), (7, 1)}:
        raise ValueError(f"period start {text!r} is not the first day of a half-year")
    return half_year(start.year, 1 if start.month == 1 else 2)


HALF_LABEL_RE = re.compile(r"(?<!\d)(\d{4})[_ -]?H([12])(?!\d)", re.IGNORECASE)


def period_from_label(text: str) -> tuple[date, date]:
    """Meta puts `YYYY_H1` / `YYYY_H2` in its file names."""
    match = HALF_LABEL_RE.search(text)
    if not match:
        raise ValueError(f"no YYYY_H1/YYYY_H2 half-year in {text!r}")
    return half_year(int(match[1]), int(match[2]))


def period_label(start: date) -> str:
    return f"{start.year}-H{1 if start.month <= 6 else 2}"


# --- countries -------------------------------------------------------------

# Countries come from disputes.vocab (pycountry plus data/country_aliases.tsv, where the
# publishers' own spellings are kind `publisher`). Footnote stars (Twitter's "India*") are
# dropped here; vocab folds case, accents, dots and apostrophes.
# Netherlands Antilles, dissolved in 2010, still has figures in Google's older reports;
# it is no country a dispute can name, so it lives here rather than in the vocabulary.
FORMER_COUNTRIES = {"AN": "Netherlands Antilles"}
COUNTRY_CODES: frozenset[str] = frozenset(vocab.COUNTRY_CODES) | frozenset(FORMER_COUNTRIES)
_FORMER_BY_NAME = {name.casefold(): code for code, name in FORMER_COUNTRIES.items()}
# Names that are not countries and carry no country figure.
SUPRANATIONAL = {"europol", "interpol"}
DROPPED_NAMES = {"worldwide"}


def country_iso2(name: str) -> str | None:
    """Map a country name as these publishers write it to ISO2, or None."""
    name = " ".join((name or "").replace("*", "").split())
    return _FORMER_BY_NAME.get(name.casefold()) or vocab.country_code(name)


def clean_code(code: str) -> str | None:
    """A publisher's own two-letter code, checked (Namibia stays `NA`)."""
    code = (code or "").strip().upper()
    return code if code in COUNTRY_CODES else None


def split_countries(text: str) -> list[str]:
    """Split a multi-country cell (`Burundi; Kenya; Tanzania, United Republic of`).

    Countries are separated by `;` only: commas are part of ISO-style names.
    Raises ValueError naming the first unknown country.
    """
    codes: list[str] = []
    for name in (part.strip() for part in (text or "").split(";")):
        if not name:
            continue
        code = country_iso2(name)
        if code is None:
            raise ValueError(f"unknown country {name!r}")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError("no country")
    return codes


# --- reading CSV files -----------------------------------------------------

# Published files are a few MB; anything far larger is not one of them.
MAX_FILE_BYTES = 200 * 1024 * 1024


def csv_files(path: Path | str) -> list[Path]:
    """The CSV files at `path`: the file itself, or every *.csv under a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.csv") if p.is_file())
        if not files:
            raise FileNotFoundError(f"no CSV files in folder {path}")
        for file in files:
            csv_files(file)  # the size check
        return files
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {path}")
    files = [path]
    for file in files:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise SourceFormatError(
                f"{file.name}: {file.stat().st_size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit for one file"
            )
    return files


def read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line of the record, cells) for every CSV record.

    `utf-8-sig` tolerates a BOM; `newline=""` keeps quoted embedded newlines
    inside their cell, which is why the start line is tracked by hand.
    """
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        previous_end = 0
        try:
            for cells in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                yield start, cells
        except csv.Error as exc:  # e.g. a cell over the csv module's field size limit
            raise SourceFormatError(f"{path.name}: line {reader.line_num}: {exc}") from exc


def parse_each(path: Path | str, parse_file: Callable[[Path], Iterator]) -> Iterator:
    """Every record of every CSV file at `path`, file by file."""
    for file in csv_files(path):
        yield from parse_file(file)


def read_header(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The file's header (names stripped) and an iterator over the records after it."""
    rows = read_csv(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise SourceFormatError(f"{path.name}: empty file") from None
    return [name.strip() for name in header], rows


def table_records(path: Path, header: list[str], rows, parse_row: Callable[[dict, int], Iterable], *,
                  strip: bool = True) -> Iterator:
    """What `parse_row(row, line)` makes of each non-blank record as a {column: cell} dict,
    and a RowError for a record of the wrong width or one `parse_row` rejects (ValueError)."""
    for line, cells in rows:
        if is_blank(cells):
            continue
        if len(cells) != len(header):
            yield RowError(line, f"expected {len(header)} fields, found {len(cells)}", path.name)
            continue
        row = dict(zip(header, [c.strip() for c in cells] if strip else cells))
        try:
            yield from parse_row(row, line)
        except ValueError as exc:
            yield RowError(line, str(exc), path.name)


def header_index(header: list[str]) -> dict[str, int]:
    """Column positions by header name, with whitespace stripped (Google's
    `% Not Enough Information ` has a trailing space)."""
    return {name.strip(): i for i, name in enumerate(header)}


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)
