"""Twitter (X) Transparency Center: removal requests (legal demands).

The published CSV holds two tables, each introduced by a `Table n/m: ...`
title line and its own header:

1. Legal Demands, one row per country x half-year (read here);
2. Local Law(s), global NetzDG-style totals with no country (skipped and
   reported as skipped, so every line of the file is accounted for).

Twitter labels a half-year by its first day. Compliance rates are fractions
(0..1) of requests where some content was withheld, `NULL` before 2019-H2.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from .common import (
    DROPPED_NAMES,
    ParsedRow,
    RowError,
    SkippedRow,
    SourceFormatError,
    country_iso2,
    is_blank,
    parse_count,
    parse_decimal,
    parse_each,
    period_from_start,
    read_csv,
)

SOURCE = "twitter"
LEGAL_DEMANDS_COLUMNS = {"Time period start", "Country", "Combined requests"}


def parse(path: Path | str) -> Iterator[ParsedRow | RowError | SkippedRow]:
    return parse_each(path, parse_file)


def parse_file(path: Path) -> Iterator[ParsedRow | RowError | SkippedRow]:
    header: list[str] | None = None
    table = ""
    seen_legal_demands = False
    for line, cells in read_csv(path):
        if is_blank(cells):
            continue
        first = cells[0].strip()
        if first.startswith("Table ") and ":" in first and is_blank(cells[1:]):
            table, header = first.split(":", 1)[1].strip(), None
            continue
        if header is None:
            header = [c.strip() for c in cells]
            while header and not header[-1]:
                header.pop()  # table 2 pads its header with empty columns
            if LEGAL_DEMANDS_COLUMNS <= set(header):
                seen_legal_demands = True
            continue
        if not LEGAL_DEMANDS_COLUMNS <= set(header):
            yield SkippedRow(line, f"global table {table or '?'!r} has no country", path.name)
            continue
        if len(cells) < len(header) or any(c.strip() for c in cells[len(header):]):
            yield RowError(line, f"expected {len(header)} fields, found {len(cells)}", path.name)
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        try:
            record = _parse_row(row, line=line, file=path.name)
        except ValueError as exc:
            yield RowError(line, str(exc), path.name)
            continue
        if record is None:
            yield SkippedRow(line, f"{row['Country']!r} is not a country", path.name)
        else:
            yield record
    if not seen_legal_demands:
        raise SourceFormatError(f"{path.name}: no Twitter legal-demands table")


def _parse_row(row: dict, *, line: int, file: str) -> ParsedRow | None:
    start, end = period_from_start(row["Time period start"])
    name = row["Country"]
    if name.strip("* ").casefold() in DROPPED_NAMES:
        return None  # `Worldwide`: all zeros in the rows Twitter published
    country = country_iso2(name)
    if country is None:
        raise ValueError(f"unknown country {name!r}")
    requests = parse_count(row["Combined requests"])
    accounts = parse_count(row["Combined accounts specified"])
    rate = parse_decimal(row.get("Combined compliance rate", ""))
    if rate is not None:
        if rate > 1:
            raise ValueError(f"compliance rate {rate} is over 1")
        rate = (rate * 100).quantize(Decimal("0.01"))
    return ParsedRow(
        source=SOURCE,
        dataset="twitter-legal-demands",
        source_key=f"legal-demands/{start}/{country}",
        line=line,
        file=file,
        country=country,
        country_name=name,
        platform="twitter",
        period_start=start,
        period_end=end,
        requests=requests.value,
        requests_below=requests.below,
        items=accounts.value,
        items_below=accounts.below,
        items_unit="accounts specified",
        compliance_rate=rate,
        compliance_basis="requests" if rate is not None else "",
        requester_type="All legal demands",
        raw=row,
    )
