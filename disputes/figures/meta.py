"""Meta Transparency Center: content restrictions based on local law.

One CSV per half-year, named `Content_Restrictions_<YYYY>_<H1|H2>.csv`; the
period comes from the file name only. The figures are items Meta restricted
(an outcome), not requests.

Two layouts:
- up to 2018_H1: `Country,count` with names only, one figure for all of Meta;
- from 2018_H2: `ISO Code,Country,` then Facebook and Instagram surface columns
  and `total`. "Global GB externally imposed" columns repeat another
  country's global geo-block in every row, so they are left out of a country's
  own figure; each row yields one Facebook and one Instagram record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .common import (
    ParsedRow,
    RowError,
    SourceFormatError,
    clean_code,
    country_iso2,
    parse_count,
    parse_each,
    period_from_label,
    period_label,
    read_header,
    table_records,
)

SOURCE = "meta"
EXTERNAL = "externally imposed"
ALL_META = "Facebook and Instagram (not split)"


def parse(path: Path | str) -> Iterator[ParsedRow | RowError]:
    return parse_each(path, parse_file)


def parse_file(path: Path) -> Iterator[ParsedRow | RowError]:
    try:
        start, end = period_from_label(path.stem)
    except ValueError as exc:
        raise SourceFormatError(f"{path.name}: {exc}") from None
    header, rows = read_header(path)
    if [h.casefold() for h in header] == ["country", "count"]:
        parse_row, dataset = _parse_old, "meta-combined"
    elif "ISO Code" in header and "total" in header:
        parse_row, dataset = _parse_surfaces, "meta"
    else:
        raise SourceFormatError(f"{path.name}: not a Meta content-restrictions CSV")
    label = period_label(start)

    def records(row: dict, line: int) -> list[ParsedRow]:
        base = dict(
            source=SOURCE, dataset=dataset, line=line, file=path.name,
            period_start=start, period_end=end, raw=row,
            items_unit="items restricted", reason="Local law",
        )
        return parse_row(row, base, label)

    yield from table_records(path, header, rows, records)


def _parse_old(row: dict, base: dict, label: str) -> list[ParsedRow]:
    name = row.get("Country") or row.get("country", "")
    country = country_iso2(name)
    if country is None:
        raise ValueError(f"unknown country {name!r}")
    count = parse_count(row.get("count") or row.get("Count", ""))
    if count.value is None:
        raise ValueError(f"no count ({row.get('count')!r})")
    return [ParsedRow(
        **base, source_key=f"{label}/{country}/all", country=country, country_name=name,
        platform="facebook", product=ALL_META, items=count.value,
    )]


def _parse_surfaces(row: dict, base: dict, label: str) -> list[ParsedRow]:
    name = row["Country"]
    code = row["ISO Code"]
    country = clean_code(code) if code else country_iso2(name)
    if country is None:
        raise ValueError(f"unknown country {code or name!r}")
    own = {"facebook": None, "instagram": None}
    external = 0
    for column, text in row.items():
        platform = column.split(" ", 1)[0].casefold()
        if platform not in own:
            continue
        value = parse_count(text).value  # N/A (not reported) and blank add nothing
        if value is None:
            continue
        if EXTERNAL in column:
            external += value
        else:
            own[platform] = (own[platform] or 0) + value
    total = parse_count(row["total"]).value
    warnings = []
    if total is not None and total != (own["facebook"] or 0) + (own["instagram"] or 0) + external:
        warnings.append(f"surface columns do not add up to total {total}")
    return [
        ParsedRow(
            **base, source_key=f"{label}/{country}/{platform}", country=country,
            country_name=name, platform=platform, product=platform.title(),
            items=items, warnings=list(warnings),
        )
        for platform, items in own.items()
    ]
