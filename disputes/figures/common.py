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
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

# Platform vocabulary shared with the disputes app.
PLATFORMS = (
    "twitter", "facebook", "instagram", "whatsapp", "youtube", "google", "tiktok",
    "telegram", "apple", "koo", "signal", "linkedin", "wikipedia", "other",
)

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

# ISO2: every name used for it in the shared files (Google, Meta, Twitter,
# Access Now) plus a few common ones. Names are matched after `_norm`, which
# drops accents, case, footnote stars and apostrophe variants.
_COUNTRY_NAMES = """
AD: Andorra
AE: United Arab Emirates; UAE
AF: Afghanistan
AG: Antigua; Antigua and Barbuda; Antigua & Barbuda
AI: Anguilla
AL: Albania
AM: Armenia
AN: Netherlands Antilles
AO: Angola
AQ: Antarctica
AR: Argentina
AS: American Samoa
AT: Austria
AU: Australia
AW: Aruba
AX: Aland Islands
AZ: Azerbaijan
BA: Bosnia and Herzegovina; Bosnia & Herzegovina
BB: Barbados
BD: Bangladesh
BE: Belgium
BF: Burkina Faso
BG: Bulgaria
BH: Bahrain
BI: Burundi
BJ: Benin
BL: Saint Barthelemy
BM: Bermuda
BN: Brunei; Brunei Darussalam
BO: Bolivia; Bolivia (Plurinational State of)
BQ: Bonaire, Sint Eustatius and Saba
BR: Brazil
BS: Bahamas; The Bahamas
BT: Bhutan
BV: Bouvet Island
BW: Botswana
BY: Belarus
BZ: Belize
CA: Canada
CC: Cocos (Keeling) Islands
CD: Democratic Republic of the Congo; Congo - Kinshasa; Congo (Democratic Republic of the); DR Congo; DRC
CF: Central African Republic
CG: Republic of the Congo; Congo - Brazzaville; Congo
CH: Switzerland
CI: Cote d'Ivoire; Ivory Coast
CK: Cook Islands
CL: Chile
CM: Cameroon
CN: China
CO: Colombia
CR: Costa Rica
CU: Cuba
CV: Cape Verde; Cabo Verde
CW: Curacao
CX: Christmas Island
CY: Cyprus
CZ: Czech Republic; Czechia
DE: Germany
DJ: Djibouti
DK: Denmark
DM: Dominica
DO: Dominican Republic
DZ: Algeria
EC: Ecuador
EE: Estonia
EG: Egypt
EH: Western Sahara
ER: Eritrea
ES: Spain
ET: Ethiopia
EU: European Union
FI: Finland
FJ: Fiji
FK: Falkland Islands
FM: Federated States of Micronesia; Micronesia
FO: Faroe Islands
FR: France
GA: Gabon
GB: United Kingdom; UK; Great Britain
GD: Grenada
GE: Georgia
GF: French Guiana
GG: Guernsey
GH: Ghana
GI: Gibraltar
GL: Greenland
GM: Gambia; The Gambia
GN: Guinea
GP: Guadeloupe
GQ: Equatorial Guinea
GR: Greece
GS: South Georgia and the South Sandwich Islands
GT: Guatemala
GU: Guam
GW: Guinea-Bissau
GY: Guyana
HK: Hong Kong; Hong Kong SAR; Hong Kong SAR China
HM: Heard Island and McDonald Islands
HN: Honduras
HR: Croatia
HT: Haiti
HU: Hungary
ID: Indonesia
IE: Ireland
IL: Israel
IM: Isle of Man
IN: India
IO: British Indian Ocean Territory
IQ: Iraq
IR: Iran; Iran (Islamic Republic of)
IS: Iceland
IT: Italy
JE: Jersey
JM: Jamaica
JO: Jordan
JP: Japan
KE: Kenya
KG: Kyrgyzstan
KH: Cambodia
KI: Kiribati
KM: Comoros
KN: Saint Kitts and Nevis
KP: North Korea; Korea (Democratic People's Republic of)
KR: South Korea; Korea, Republic of; Korea (Republic of)
KW: Kuwait
KY: Cayman Islands
KZ: Kazakhstan
LA: Laos; Lao People's Democratic Republic
LB: Lebanon
LC: St. Lucia; Saint Lucia
LI: Liechtenstein
LK: Sri Lanka
LR: Liberia
LS: Lesotho
LT: Lithuania
LU: Luxembourg
LV: Latvia
LY: Libya
MA: Morocco
MC: Monaco
MD: Moldova; Moldova, Republic of
ME: Montenegro
MF: Saint Martin
MG: Madagascar
MH: Marshall Islands
MK: North Macedonia; Macedonia
ML: Mali
MM: Myanmar; Myanmar (Burma); Burma
MN: Mongolia
MO: Macao; Macau
MP: Northern Mariana Islands
MQ: Martinique
MR: Mauritania
MS: Montserrat
MT: Malta
MU: Mauritius
MV: Maldives
MW: Malawi
MX: Mexico
MY: Malaysia
MZ: Mozambique
NA: Namibia
NC: New Caledonia
NE: Niger
NF: Norfolk Island
NG: Nigeria
NI: Nicaragua
NL: Netherlands
NO: Norway
NP: Nepal
NR: Nauru
NU: Niue
NZ: New Zealand
OM: Oman
PA: Panama
PE: Peru
PF: French Polynesia
PG: Papua New Guinea
PH: Philippines
PK: Pakistan
PL: Poland
PM: Saint Pierre and Miquelon
PN: Pitcairn
PR: Puerto Rico
PS: Palestine; Palestine, State of; Palestinian Territories
PT: Portugal
PW: Palau
PY: Paraguay
QA: Qatar
RE: Reunion
RO: Romania
RS: Serbia
RU: Russia; Russian Federation
RW: Rwanda
SA: Saudi Arabia
SB: Solomon Islands
SC: Seychelles
SD: Sudan
SE: Sweden
SG: Singapore
SH: Saint Helena
SI: Slovenia
SJ: Svalbard and Jan Mayen
SK: Slovakia
SL: Sierra Leone
SM: San Marino
SN: Senegal
SO: Somalia; Somaliland
SR: Suriname
SS: South Sudan
ST: Sao Tome and Principe
SV: El Salvador
SX: Sint Maarten
SY: Syria; Syrian Arab Republic
SZ: Eswatini; Swaziland
TC: Turks and Caicos Islands
TD: Chad
TF: French Southern Territories
TG: Togo
TH: Thailand
TJ: Tajikistan
TK: Tokelau
TL: Timor-Leste; East Timor
TM: Turkmenistan
TN: Tunisia
TO: Tonga
TR: Turkey; Turkiye
TT: Trinidad and Tobago; Trinidad & Tobago
TV: Tuvalu
TW: Taiwan
TZ: Tanzania; Tanzania, United Republic of
UA: Ukraine
UG: Uganda
UM: United States Minor Outlying Islands
US: United States; United States of America; USA
UY: Uruguay
UZ: Uzbekistan
VA: Vatican City; Holy See
VC: Saint Vincent and the Grenadines; St. Vincent & Grenadines
VE: Venezuela; Venezuela (Bolivarian Republic of)
VG: British Virgin Islands
VI: U.S. Virgin Islands; US Virgin Islands
VN: Vietnam; Viet Nam
VU: Vanuatu
WF: Wallis and Futuna
WS: Samoa
XK: Kosovo
YE: Yemen
YT: Mayotte
ZA: South Africa
ZM: Zambia
ZW: Zimbabwe
"""


def _norm(name: str) -> str:
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.replace("\u2019", "'").replace("\u2018", "'").replace("*", "")
    return " ".join(name.casefold().split())


COUNTRY_CODES: frozenset[str] = frozenset(
    line.split(":", 1)[0] for line in _COUNTRY_NAMES.strip().splitlines()
)
_NAME_TO_ISO2: dict[str, str] = {
    _norm(name): line.split(":", 1)[0]
    for line in _COUNTRY_NAMES.strip().splitlines()
    for name in line.split(":", 1)[1].split(";")
}
# Names that are not countries and carry no country figure.
SUPRANATIONAL = {"europol", "interpol"}
DROPPED_NAMES = {"worldwide"}


def country_iso2(name: str) -> str | None:
    """Map a country name as these publishers write it to ISO2, or None."""
    return _NAME_TO_ISO2.get(_norm(name))


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
