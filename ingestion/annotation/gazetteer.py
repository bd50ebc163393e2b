"""Gazetteer data for the annotation core: platforms, companies, countries, government bodies.

The data is kept one entry per line in files, so that a reviewer can add a country name, an
agency or an alias without reading code: countries' names, demonyms and capitals in
disputes/data/country_aliases.tsv and platforms' aliases in disputes.vocab (the one source of
each vocabulary), government bodies and officials in data/*.tsv here. The helpers turn them
into lookup dicts and spaCy entity-ruler patterns.

Conventions
-----------
* Platform codes are the corpus vocabulary (``twitter`` ... ``wikipedia``, ``other``).
* Country codes are ISO 3166-1 alpha-2, plus ``EU`` for the European Union.
* Names are matched case-sensitively as written (plus an all-caps variant for headlines),
  so that "Chad" the country is not "chad" and "X" the platform is not "x".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from disputes import vocab  # plain Python, no Django

# Platforms: code -> aliases (products and names users and journalists write), from the one
# platform vocabulary.
PLATFORM_ALIASES: dict[str, tuple[str, ...]] = {term.code: term.aliases for term in vocab.PLATFORMS}

# Aliases that are only platforms in the right context (see annotate._plausible_platform).
AMBIGUOUS_ALIASES: frozenset[str] = frozenset(
    {"X", "Signal", "Line", "Apple", "Koo", "Messenger", "Medium", "Kick", "Threads", "Zoom",
     "Steam", "Imo", "IMO", "Tagged", "Gab", "Helo", "Moj", "Bing", "FB", "IG", "YT", "Insta",
     "Fb", "Blogger"}
)

# Companies: name -> platforms they own, and the one meant when the company is the target
# ("Meta" fined -> usually Facebook). A company mention alone is weak evidence: the
# annotator only maps it when none of the company's products is named in the text.
@dataclass(frozen=True)
class Company:
    key: str
    names: tuple[str, ...]
    platforms: tuple[str, ...]
    default_platform: str | None


COMPANIES: tuple[Company, ...] = (
    Company("meta", ("Meta", "Meta Platforms", "Meta Platforms Inc", "Meta Platforms Inc."),
            ("facebook", "instagram", "whatsapp", "other"), "facebook"),
    Company("alphabet", ("Alphabet", "Alphabet Inc", "Alphabet Inc."), ("google", "youtube"), "google"),
    Company("bytedance", ("ByteDance", "Bytedance", "Byte Dance"), ("tiktok",), "tiktok"),
    Company("xcorp", ("X Corp", "X Corp.", "X Corporation", "X Holdings"), ("twitter",), "twitter"),
    Company("apple", ("Apple Inc", "Apple Inc.", "Apple"), ("apple",), "apple"),
    Company("microsoft", ("Microsoft",), ("linkedin", "other"), None),
    Company("tencent", ("Tencent",), ("other",), "other"),
    Company("bombinate", ("Bombinate Technologies",), ("koo",), "koo"),
    Company("telegram", ("Telegram Messenger LLP", "Telegram FZ-LLC"), ("telegram",), "telegram"),
)

DATA = Path(__file__).resolve().parent / "data"


def _tsv(name: str) -> list[list[str]]:
    """The rows of data/<name> without its comment lines and header."""
    with open(DATA / name, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip() and not line.startswith("#")]
    return rows[1:]


@dataclass(frozen=True)
class CountryEntry:
    iso2: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryEntry]:
    """The countries news names, from disputes/data/country_aliases.tsv, in its order.

    Ambiguous names (Georgia the US state, Jordan and Chad the first names, Guinea alone) are
    left out of that file, so pycountry's names are not added here."""
    kinds: dict[str, dict[str, list[str]]] = {}
    for row in vocab.country_aliases():
        if row.kind not in ("name", "demonym", "capital"):
            continue  # publishers' spellings ("Hong Kong SAR", "Somaliland"): not looked for in news
        kinds.setdefault(row.code, {"name": [], "demonym": [], "capital": []})[row.kind].append(row.alias)
    return {code: CountryEntry(code, tuple(k["name"]), tuple(k["demonym"]), tuple(k["capital"]))
            for code, k in kinds.items()}


@lru_cache(maxsize=1)
def gov_bodies() -> list[tuple[str, str]]:
    """(ISO2, name) of government bodies: regulators, ministries, courts, parliaments."""
    return [(iso2, name) for iso2, name in _tsv("gov_bodies.tsv")]


@lru_cache(maxsize=1)
def officials() -> list[tuple[str, str]]:
    """(ISO2, name) of officials whose name identifies their government."""
    return [(iso2, name) for iso2, name in _tsv("officials.tsv")]


def company_by_key(key: str) -> Company | None:
    return next((c for c in COMPANIES if c.key == key), None)


def _case_variants(name: str) -> set[str]:
    """The name as written plus an all-caps form (headline style). Short all-caps
    acronyms stay as they are."""
    variants = {name}
    if len(name) > 3 and not name.isupper():
        variants.add(name.upper())
    if name[:1].islower():
        # Foreign demonyms are written in lower case ("brasileño") but start sentences too.
        variants.add(name[:1].upper() + name[1:])
    return variants


def entity_patterns() -> list[dict]:
    """Entity-ruler phrase patterns for every gazetteer entry.

    Labels and ids:
    * PLATFORM  id=<platform code>
    * COMPANY   id=<company key>
    * COUNTRY / DEMONYM / CAPITAL  id=<ISO2>
    * GOV_BODY / OFFICIAL  id=<ISO2>  (``ISO2:<slug>`` ids from the database work the same)
    """
    patterns: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, name: str, ident: str) -> None:
        for variant in _case_variants(name):
            if (variant, label) in seen:
                continue
            seen.add((variant, label))
            patterns.append({"label": label, "pattern": variant, "id": ident})

    # Order matters for overlaps of equal length: the ruler keeps the first.
    for company in COMPANIES:
        for name in company.names:
            if name not in ("Apple",):  # "Apple" alone is the App Store platform alias
                add("COMPANY", name, company.key)
    for code, aliases in PLATFORM_ALIASES.items():
        for alias in aliases:
            add("PLATFORM", alias, code)
    for iso2, name in gov_bodies():
        add("GOV_BODY", name, iso2)
    for iso2, name in officials():
        add("OFFICIAL", name, iso2)
    for entry in countries().values():
        for name in entry.names:
            add("COUNTRY", name, entry.iso2)
        for name in entry.demonyms:
            add("DEMONYM", name, entry.iso2)
        for name in entry.capitals:
            add("CAPITAL", name, entry.iso2)
    return patterns


def country_of(link: str | None) -> str | None:
    """ISO2 carried by a mention link: "IN" or "IN:meity" -> "IN"; platform codes -> None."""
    if not link:
        return None
    head = link.split(":", 1)[0]
    return head if head in countries() else None
