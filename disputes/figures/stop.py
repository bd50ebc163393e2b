"""Access Now #KeepItOn STOP: government-ordered shutdowns and platform blocks.

One row per event, 47 columns, cells may contain quoted newlines. There is
no id column, so the event key is built from the fields that identify an
event and do not change as Access Now updates it (an ongoing event gets an
end date later): start date, countries, area, extent, type and network.
Rows that share all of these (the same city cut twice on one day) are told
apart by their order in the file, with `#2`, `#3` suffixes.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from .common import (
    RowError,
    SourceFormatError,
    StopEvent,
    parse_each,
    parse_iso_date,
    read_header,
    split_countries,
    table_records,
)

SOURCE = "stop"
REQUIRED_COLUMNS = {"start_date", "end_date", "country", "shutdown_extent", "info_source_link"}
# Yes/No columns for named services, in the order they are listed.
SERVICE_FLAGS = {
    "facebook_affected": "facebook",
    "twitter_affected": "twitter",
    "whatsapp_affected": "whatsapp",
    "instagram_affected": "instagram",
    "telegram_affected": "telegram",
    "sms_affected": "sms",
    "phonecall_affected": "phone_calls",
}
# Platforms named in the free-text `other_affected` column.
OTHER_SERVICE_PATTERNS = [
    (re.compile(r"\byoutube\b", re.I), "youtube"),
    (re.compile(r"\btik ?tok\b", re.I), "tiktok"),
    (re.compile(r"\bsignal\b", re.I), "signal"),
    (re.compile(r"\blinkedin\b", re.I), "linkedin"),
    (re.compile(r"\bwikipedia\b", re.I), "wikipedia"),
    (re.compile(r"\bkoo\b", re.I), "koo"),
    (re.compile(r"\btelegram\b", re.I), "telegram"),
    (re.compile(r"\bwhatsapp\b", re.I), "whatsapp"),
    (re.compile(r"\binstagram\b", re.I), "instagram"),
    (re.compile(r"\bfacebook\b", re.I), "facebook"),
    (re.compile(r"\b(twitter|periscope)\b", re.I), "twitter"),
    (re.compile(r"\b(gmail|google)\b", re.I), "google"),
    (re.compile(r"\b(app store|apple|icloud)\b", re.I), "apple"),
]
URL_SPLIT = re.compile(r"[;\s]+")
KEY_FIELDS = ("start_date", "country", "area_name", "shutdown_extent", "shutdown_type",
              "affected_network")


def parse(path: Path | str) -> Iterator[StopEvent | RowError]:
    return parse_each(path, parse_file)


def parse_file(path: Path) -> Iterator[StopEvent | RowError]:
    header, rows = read_header(path)
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise SourceFormatError(f"{path.name}: not a STOP CSV (no {', '.join(sorted(missing))})")
    seen: Counter[str] = Counter()
    # Cells unstripped: the raw row is kept as published.
    for record in table_records(path, header, rows, lambda row, line: [_parse_row(row, line=line, file=path.name)],
                                strip=False):
        if isinstance(record, StopEvent):
            seen[record.source_key] += 1
            if seen[record.source_key] > 1:
                record.source_key += f"#{seen[record.source_key]}"
        yield record


def event_key(row: dict, countries: list[str]) -> str:
    identity = "\x1f".join(" ".join(row.get(f, "").split()).casefold() for f in KEY_FIELDS)
    digest = hashlib.sha1(identity.encode()).hexdigest()[:10]
    return f"{row['start_date'].strip()}/{'-'.join(countries)}/{digest}"


def _parse_row(row: dict, *, line: int, file: str) -> StopEvent:
    text = {k: " ".join(v.split()) for k, v in row.items()}  # one-line copies
    countries = split_countries(row["country"])
    start = parse_iso_date(row["start_date"])
    warnings = []
    end = parse_iso_date(row["end_date"]) if text["end_date"] else None
    if end is not None and end < start:
        warnings.append(f"end date {end} is before start date {start}; end left empty")
        end = None
    year = text.get("count_year", "")
    if year and not year.isdigit():
        raise ValueError(f"unreadable count_year {year!r}")
    return StopEvent(
        source_key=event_key(row, countries),
        line=line,
        file=file,
        country=countries[0],
        countries=countries,
        country_names=text["country"],
        start=start,
        end=end,
        start_type=text.get("start_date_type", ""),
        status=text.get("shutdown_status", ""),
        extent=text["shutdown_extent"],
        shutdown_type=text.get("shutdown_type", ""),
        affected_network=text.get("affected_network", ""),
        area_name=text.get("area_name", ""),
        services_affected=services_affected(row),
        other_services=text.get("other_affected", ""),
        justification=text.get("gov_justification", ""),
        cause=text.get("actual_cause", ""),
        ordered_by=text.get("ordered_by", ""),
        decision_maker=text.get("decision_maker", ""),
        count_year=int(year) if year else None,
        evidence_urls=evidence_urls(row["info_source_link"]),
        description=row.get("event", "").strip(),
        an_link=text.get("an_link", ""),
        raw=row,
        warnings=warnings,
    )


def services_affected(row: dict) -> list[str]:
    """Services marked `Yes`, plus platforms named in `other_affected`.

    Anything else in `other_affected` (VPNs, Grindr, ...) shows up as "other";
    the text itself is kept in `other_services`.
    """
    services = [code for column, code in SERVICE_FLAGS.items()
                if row.get(column, "").strip().casefold() == "yes"]
    other = row.get("other_affected", "").strip()
    found = [code for pattern, code in OTHER_SERVICE_PATTERNS if pattern.search(other)]
    services += [code for code in found if code not in services]
    if other and not found:
        services.append("other")
    return services


def evidence_urls(text: str) -> list[str]:
    """The URLs in `info_source_link`: `; `-separated, sometimes one per line,
    sometimes quoted, sometimes without a scheme. Non-URL notes are dropped
    (they stay in the raw row)."""
    urls: list[str] = []
    for token in URL_SPLIT.split(text or ""):
        token = token.strip("\"'“”;,")
        if not token:
            continue
        if not token.startswith(("http://", "https://")):
            if "/" not in token or "." not in token.split("/", 1)[0]:
                continue
            token = "https://" + token
        if token not in urls:
            urls.append(token)
    return urls
