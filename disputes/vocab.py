"""The vocabularies, one source each: countries, platforms, demand types.

Plain Python (no Django), so that the annotator's rules and the evaluation
against the labelled corpus can import it too.

Countries are ISO 3166-1 alpha-2 codes from pycountry, plus EU and XK; the
names news and publishers use beyond pycountry's (other languages, demonyms,
capitals) are in data/country_aliases.tsv.

Each demand type has the verb phrase that completes "<body> asked <platform>
to …" in timelines, feeds and sentences, and the value of the corpus
vocabulary (../shared/corpus/README.md, `demand_types`) it is scored as. The
corpus lumps transparency reports, corrections, paying for news, divestiture
and design duties into `other`; Standoff names them, so that `other` is rare.
"""

import csv
import unicodedata
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pycountry

DATA = Path(__file__).resolve().parent / "data"

# Countries ---------------------------------------------------------------------------------

# "EU" is exceptionally reserved by ISO for the European Union, which makes
# demands of platforms as one government (the DSA, for example).
EXTRA_COUNTRIES = {"EU": "European Union", "XK": "Kosovo"}


@cache
def country_names() -> dict[str, str]:
    """Code -> the country's common name, sorted by name."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(EXTRA_COUNTRIES)
    return dict(sorted(names.items(), key=lambda item: item[1]))


COUNTRY_CHOICES = list(country_names().items())
COUNTRY_CODES = sorted(country_names())


def country_name(code: str) -> str:
    return country_names().get((code or "").upper(), code or "")


class CountryAlias(NamedTuple):
    code: str
    kind: str  # "name", "demonym", "capital" or "publisher" (a report's spelling news doesn't use)
    alias: str


@cache
def country_aliases() -> tuple[CountryAlias, ...]:
    """The rows of data/country_aliases.tsv, in file order."""
    with open(DATA / "country_aliases.tsv", encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        rows = tuple(CountryAlias(**row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    unknown = {row.code for row in rows} - set(COUNTRY_CODES)
    if unknown:
        raise ValueError(f"country_aliases.tsv: unknown country codes {sorted(unknown)}")
    return rows


def _folded(name: str) -> str:
    """Without case, accents, dots or curly apostrophes: "Curacao" finds "Curaçao"."""
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(name.casefold().replace(".", "").replace("’", "'").replace("‘", "'").split())


@cache
def _codes_by_name() -> dict[str, str]:
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("official_name", "name", "common_name"):
            if hasattr(country, attribute):
                codes[_folded(getattr(country, attribute))] = country.alpha_2
    codes.update((_folded(name), code) for code, name in EXTRA_COUNTRIES.items())
    codes.update((_folded(row.alias), row.code) for row in country_aliases() if row.kind in ("name", "publisher"))
    return codes


def country_code(name: str) -> str | None:
    """The code of a country written by name ("Türkiye", "Turkey", "South Korea", "EU") as news or
    transparency reports write it, or None. Case, accents, dots and spacing do not matter;
    demonyms and capitals are not names."""
    folded = _folded(name or "")
    if len(folded) == 2 and folded.upper() in country_names():
        return folded.upper()
    return _codes_by_name().get(folded)


# Platforms -------------------------------------------------------------------------------


class PlatformTerm(NamedTuple):
    code: str  # the corpus vocabulary: X is `twitter`
    label: str
    aliases: tuple[str, ...]  # the names and products news writes, for the annotator's gazetteer


# "X" alone is ambiguous (a letter, "Generation X"): the annotator accepts such aliases only in
# context (ingestion.annotation.gazetteer.AMBIGUOUS_ALIASES). Periscope belongs to Twitter, but
# the corpus labels it `other`.
PLATFORMS: tuple[PlatformTerm, ...] = (
    PlatformTerm("twitter", "Twitter / X", (
        "Twitter", "twitter", "Tweeter", "X", "X.com", "X Corp", "X Corp.", "X Corporation",
        "Twitter Inc", "Twitter Inc.", "Twitter India", "X (formerly Twitter)", "Elon Musk's X",
        "Musk's X", "microblogging site", "microblogging platform", "ट्विटर", "एक्स",
    )),
    PlatformTerm("facebook", "Facebook", (
        "Facebook", "facebook", "FB", "Facebook Inc", "Facebook Inc.", "Fb", "फेसबुक",
    )),
    PlatformTerm("instagram", "Instagram", (
        "Instagram", "instagram", "Insta", "IG", "इंस्टाग्राम",
    )),
    PlatformTerm("whatsapp", "WhatsApp", (
        "WhatsApp", "Whatsapp", "whatsapp", "WHATSAPP", "Whats App", "व्हाट्सएप", "व्हाट्सऐप",
    )),
    PlatformTerm("youtube", "YouTube", (
        "YouTube", "Youtube", "youtube", "YT", "यूट्यूब",
    )),
    PlatformTerm("google", "Google", (
        "Google", "google", "Google Search", "Google Play", "Google Play Store", "Play Store",
        "Google Maps", "Google News", "Gmail", "Blogger", "Google Drive", "Google Docs", "गूगल",
    )),
    PlatformTerm("tiktok", "TikTok", (
        "TikTok", "Tiktok", "tiktok", "Tik Tok", "Douyin", "TIKTOK", "टिकटॉक",
    )),
    PlatformTerm("telegram", "Telegram", (
        "Telegram", "telegram", "Telegram Messenger", "टेलीग्राम",
    )),
    PlatformTerm("apple", "Apple", (
        "App Store", "Apple App Store", "iTunes", "Apple Podcasts", "iCloud", "Apple",
    )),
    PlatformTerm("koo", "Koo", (
        "Koo", "Koo App", "Koo app", "कू",
    )),
    PlatformTerm("signal", "Signal", (
        "Signal app", "Signal messenger", "Signal Messenger", "Signal",
    )),
    PlatformTerm("linkedin", "LinkedIn", (
        "LinkedIn", "Linkedin", "linkedin",
    )),
    PlatformTerm("wikipedia", "Wikipedia", (
        "Wikipedia", "wikipedia", "Wikimedia", "Wikimedia Foundation",
    )),
    PlatformTerm("other", "Other", (
        "Viber", "WeChat", "Weixin", "Periscope", "Dailymotion", "Messenger", "Facebook Messenger",
        "VK", "VKontakte", "Vkontakte", "Odnoklassniki", "Snapchat", "Reddit", "Pinterest",
        "Tumblr", "Discord", "Twitch", "Rumble", "Parler", "Gab", "Truth Social", "Threads",
        "Clubhouse", "Tinder", "Grindr", "Skype", "Zoom", "Line", "KakaoTalk", "Weibo",
        "Sina Weibo", "Baidu", "Yandex", "Mastodon", "Bluesky", "Likee", "Bigo Live", "Bigo",
        "PUBG", "PUBG Mobile", "Tagged", "Skout", "SayHi", "Imo", "IMO", "Helo", "ShareChat", "Moj",
        "Vimeo", "Netflix", "Spotify", "Substack", "Medium", "Quora", "Shein", "Temu",
        "Microsoft Bing", "Bing", "DuckDuckGo", "Kick", "Nimo TV", "UC Browser", "CamScanner",
        "Roblox", "Steam",
    )),
)
PLATFORM_CHOICES = [(term.code, term.label) for term in PLATFORMS]


# Demand types ------------------------------------------------------------------------------


class DemandTerm(NamedTuple):
    value: str
    label: str
    verb: str  # completes "asked Twitter to …"
    corpus: str  # the corpus vocabulary value it counts as


DEMAND_TYPES: tuple[DemandTerm, ...] = (
    DemandTerm("remove_content", "Remove content", "remove content", "remove_content"),
    DemandTerm("withhold_accounts", "Withhold accounts", "withhold accounts", "withhold_accounts"),
    DemandTerm("geo_block", "Geo-block", "block content for users in the country only", "geo_block"),
    DemandTerm("ban_service", "Ban the service", "stop its service in the country", "ban_service"),
    DemandTerm("throttle", "Throttle", "slow down its service", "throttle"),
    DemandTerm("user_data", "Hand over user data", "hand over user data", "user_data"),
    DemandTerm("local_presence", "Local presence", "appoint a local representative or register locally",
               "local_presence"),
    DemandTerm("data_localisation", "Data localisation", "store users' data in the country", "data_localisation"),
    DemandTerm("restore_content", "Restore content", "restore content or stop suppressing it", "restore_content"),
    DemandTerm("proactive_monitoring", "Proactive monitoring", "monitor and filter content on its own initiative",
               "proactive_monitoring"),
    DemandTerm("divest", "Divest or sell", "divest or sell its business", "other"),
    DemandTerm("pay_for_news", "Pay for news", "pay for news", "other"),
    DemandTerm("transparency_reports", "Publish transparency reports", "publish transparency reports", "other"),
    DemandTerm("systemic_risk", "Assess or reduce systemic risks", "assess and reduce systemic risks in its design",
               "other"),
    DemandTerm("label_content", "Label or correct content", "label or correct content", "other"),
    DemandTerm("age_verification", "Verify users' ages", "verify users' ages", "other"),
    DemandTerm("other", "Other", "meet another demand", "other"),
)

DEMAND_VERBS: dict[str, str] = {term.value: term.verb for term in DEMAND_TYPES}
_DEMAND_CORPUS: dict[str, str] = {term.value: term.corpus for term in DEMAND_TYPES}


def demand_verb(value: str) -> str:
    """The verb phrase of a demand type ("withhold accounts")."""
    return DEMAND_VERBS.get(value, DEMAND_VERBS["other"])


def demand_types_for_corpus(values) -> list[str]:
    """Standoff's demand types as corpus values, in order and without repeats.

    Corpus values map to themselves, so applying it twice changes nothing."""
    out: list[str] = []
    for value in values or ():
        mapped = _DEMAND_CORPUS.get(value, value)
        if mapped not in out:
            out.append(mapped)
    return out
