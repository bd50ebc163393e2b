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
    csv_files,
    is_blank,
    parse_count,
    period_from_label,
    period_label,
    read_csv,
)

SOURCE = "meta"
EXTERNAL = "externally imposed"
ALL_META = "Facebook and Instagram (not split)"


def parse(path: Path | str) -> Iterator[ParsedRow | RowError]:
    for file in csv_files(path):
        yield from parse_file(file)


def parse_file(path: Path) -> Iterator[ParsedRow | RowError]:
    try:
        start, end = period_from_label(path.stem)
    except ValueError as exc:
        raise SourceFormatError(f"{path.name}: {exc}") from None
    rows = read_csv(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise SourceFormatError(f"{path.name}: empty file") from None
    header = [name.strip() for name in header]
    if [h.casefold() for h in header] == ["country", "count"]:
        parse_row, dataset = _parse_old, "meta-combined"
    elif "ISO Code" in header and "total" in header:
        parse_row, dataset = _parse_surfaces, "meta"
    else:
        raise SourceFormatError(f"{path.name}: not a Meta content-restrictions CSV")
    label = period_label(start)
    for line, cells in rows:
        if is_blank(cells):
            continue
        if len(cells) != len(header):
            yield RowError(line, f"expected {len(header)} fields, found {len(cells)}", path.name)
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        base = dict(
            source=SOURCE, dataset=dataset, line=line, file=path.name,
            period_start=start, period_end=end, raw=row,
            items_unit="items restricted", reason="Local law",
        )
        try:
            yield from parse_row(row, base, label)
        except ValueError as exc:
            yield RowError(line, str(exc), path.name)


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
