"""Google Transparency Report: government requests to remove content.

Three CSV layouts ship in Google's download, told apart by their header:

- summary (2019-H1 on): country x half-year x requester, item-based outcome %;
- detailed (2011-H1 on): country x half-year x product x reason, requests only;
- historical (2009-H2 to 2019-H1): country x half-year, request-based compliance.

Google labels a half-year by its last day. Google revises past figures
between downloads, which is why the source keys never contain a figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from .common import (
    ParsedRow,
    RowError,
    SourceFormatError,
    clean_code,
    header_index,
    parse_count,
    parse_decimal,
    parse_each,
    period_from_end,
    read_header,
    table_records,
)

SOURCE = "google"

OUTCOME_COLUMNS = (
    "% Removed-Legal",
    "% Removed-Policy",
    "% Content Not Found",
    "% Not Enough Information",
    "% No Action Taken",
    "% Content Already Removed",
)
# Google's products that are platforms of their own in our vocabulary.
PRODUCT_PLATFORMS = {"youtube": "youtube"}
HISTORICAL_ALL = "All Requests: "


def parse(path: Path | str) -> Iterator[ParsedRow | RowError]:
    return parse_each(path, parse_file)


def parse_file(path: Path) -> Iterator[ParsedRow | RowError]:
    header, rows = read_header(path)
    columns = header_index(header)
    if "Product" in columns and "Total" in columns:
        parse_row, dataset = _parse_detailed, "google-detailed"
    elif HISTORICAL_ALL + "Number of Requests" in columns:
        parse_row, dataset = _parse_historical, "google-historical"
    elif "Number of Requests" in columns and ("Requestor" in columns or "Requester" in columns):
        parse_row, dataset = _parse_summary, "google-summary"
    else:
        raise SourceFormatError(f"{path.name}: not a Google government-removals CSV")
    yield from table_records(
        path, header, rows, lambda row, line: [parse_row(row, line=line, file=path.name, dataset=dataset)]
    )


def _base(row: dict, *, line: int, file: str, dataset: str) -> dict:
    start, end = period_from_end(row["Period Ending"])
    name = row["Country/Region"]
    code = row["CLDR Territory Code"]
    country = clean_code(code) if code else ""
    if country is None:
        raise ValueError(f"unknown territory code {code!r}")
    if not country and not name:
        raise ValueError("no country code and no name")
    return dict(
        source=SOURCE, dataset=dataset, line=line, file=file, country=country,
        country_name=name, period_start=start, period_end=end, raw=row,
    )


def _territory(base: dict) -> str:
    # Europol and Interpol have no code; their name is their key.
    return base["country"] or base["country_name"]


def _parse_summary(row: dict, **kw) -> ParsedRow:
    base = _base(row, **kw)
    requester = row.get("Requestor", row.get("Requester", ""))
    if not requester:
        raise ValueError("no requester")
    requests = parse_count(row["Number of Requests"])
    items = parse_count(row["Items Requested To Be Removed"])
    shares = [parse_decimal(row.get(col, "")) for col in OUTCOME_COLUMNS]
    warnings = []
    if all(share is None for share in shares):
        rate = None
    else:
        # A blank outcome cell means 0% in this file.
        rate = (shares[0] or Decimal(0)) + (shares[1] or Decimal(0))
        if rate > 100:
            warnings.append(f"removed shares add up to {rate}%, capped at 100% (rounding)")
            rate = Decimal(100)
    return ParsedRow(
        **base,
        source_key=f"summary/{base['period_end']}/{_territory(base)}/{requester}",
        platform="google",
        requests=requests.value,
        requests_below=requests.below,
        items=items.value,
        items_below=items.below,
        compliance_rate=rate,
        compliance_basis="items" if rate is not None else "",
        requester_type=requester,
        warnings=warnings,
    )


def _parse_detailed(row: dict, **kw) -> ParsedRow:
    base = _base(row, **kw)
    product, reason = row["Product"], row["Reason"]
    if not product or not reason:
        raise ValueError("no product or reason")
    total = parse_count(row["Total"])
    if total.value is None:
        raise ValueError(f"no request count in Total ({row['Total']!r})")
    return ParsedRow(
        **base,
        source_key=f"detailed/{base['period_end']}/{_territory(base)}/{product}/{reason}",
        platform=PRODUCT_PLATFORMS.get(product.casefold(), "google"),
        product=product,
        reason=reason,
        requests=total.value,
    )


def _parse_historical(row: dict, **kw) -> ParsedRow:
    base = _base(row, **kw)
    requests = parse_count(row[HISTORICAL_ALL + "Number of Requests"])
    items = parse_count(row[HISTORICAL_ALL + "Items Requested To Be Removed"])
    rate = parse_decimal(row[HISTORICAL_ALL + "% Fully Or Partially Complied With"])
    if rate is not None and rate > 100:
        raise ValueError(f"compliance {rate}% is over 100%")
    return ParsedRow(
        **base,
        source_key=f"historical/{base['period_end']}/{_territory(base)}",
        platform="google",
        requests=requests.value,
        requests_below=requests.below,
        items=items.value,
        items_below=items.below,
        compliance_rate=rate,
        compliance_basis="requests" if rate is not None else "",
        requester_type="All requests",
    )
