"""Turn articles into structured dispute annotations.

``annotate_texts(nlp, items)`` runs the pipeline from :mod:`ingestion.annotation.nlp` over
``(title, text, published)`` items and returns one :class:`Annotation` per item:
mentions, sentence-anchored claims, a relevance score and the predicted corpus fields.

The decision "is this a government–platform dispute?" is a co-occurrence rule: a sentence
with an enforcement act (demand, order, penalty, block, fine...) whose neighbourhood (the
sentence before, itself, the one after) names both a government actor and a platform.
Business, hack, private-lawsuit, sports and similar cues count against it.

Which dispute an article belongs to is decided once, against the database, by
``disputes.attach``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect
from spacy.language import Language
from spacy.tokens import Doc, Span

from ingestion.annotation import gazetteer
from ingestion.annotation.cues import foreign_claim_matches, parse_count, parse_jail, parse_money
from ingestion.annotation.nlp import (
    CLAIMS_KEY,
    COUNTRY_LABELS,
    GOV_LABELS,
    PIPELINE_VERSION,
    PLATFORM_LABELS,
    ruler_only,
)

DetectorFactory.seed = 0  # langdetect is random unless seeded

Item = tuple[str, str, "date | str | None"]


# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------
@dataclass
class Mention:
    label: str
    text: str
    start_char: int
    end_char: int
    link: str | None = None  # actor id, platform code or ISO2
    country: str | None = None
    in_title: bool = False


@dataclass
class Claim:
    kind: str  # demand | penalty | outcome | count | legal_basis
    value: str
    extra: dict = field(default_factory=dict)
    sentence_start: int = 0
    sentence_end: int = 0
    quote: str = ""
    confidence: float = 0.5
    start_char: int = 0
    end_char: int = 0
    in_title: bool = False


@dataclass
class Annotation:
    language: str
    processing: str  # "full" (English model) or "ruler_only" (non-English: gazetteer only)
    mentions: list[Mention]
    claims: list[Claim]
    relevance: float
    is_dispute: bool
    countries: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    government_actors: list[str] = field(default_factory=list)
    demand_types: list[str] = field(default_factory=list)
    accounts_targeted: int | None = None
    posts_targeted: int | None = None
    legal_basis: str | None = None
    penalties_threatened: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    event_date: str | None = None
    published: str | None = None
    title_mentions: list[Mention] = field(default_factory=list)
    pipeline_version: str = PIPELINE_VERSION

    def fields(self) -> dict:
        """Predicted fields in the corpus schema (without dispute_key/duplicate_group)."""
        return {
            "is_dispute": self.is_dispute,
            "countries": list(self.countries),
            "platforms": list(self.platforms),
            "government_actors": list(self.government_actors),
            "demand_types": list(self.demand_types),
            "accounts_targeted": self.accounts_targeted,
            "posts_targeted": self.posts_targeted,
            "legal_basis": self.legal_basis,
            "penalties_threatened": list(self.penalties_threatened),
            "outcomes": list(self.outcomes),
            "event_date": self.event_date,
        }


# --------------------------------------------------------------------------------------
# Lexical cues (case-insensitive unless noted)
# --------------------------------------------------------------------------------------
# Government words strong enough on their own.
STRONG_GOV_RE = re.compile(
    r"\b(?:government|govt|gov't|ministry|ministries|minister|regulators?|regulatory|authorit(?:y|ies)|"
    r"parliament|lawmakers|legislators|junta|military government|military|presiden(?:t|cy)|"
    r"prime minister|cabinet|state media regulator|watchdog|telecoms? regulator|"
    r"information minister|communications ministry|administration|federal government|fg|"
    r"congress|senate|supreme court|high court|constitutional court|electoral court|"
    r"attorney[- ]general|home office|interior ministry|commission(?:er)?|agency|the state|"
    r"officials|law enforcement|prosecutors?|legislation|the law|new law|a law)\b",
    re.I,
)
# Weak government words: also common in private lawsuits, sport and crime news.
WEAK_GOV_RE = re.compile(r"\b(?:court|judge|justice|police|tribunal|authorities)\b", re.I)
# Private actors that look like governments ("the FA", "a federal judge approved a settlement").
NON_GOV_ACTOR_RE = re.compile(
    r"\b(?:football association|the fa\b|premier league|governing bod(?:y|ies)|club|clubs|players?|"
    r"union|unions|charity|charities|campaigners?|ngo|advocacy groups?|shareholders|plaintiffs|"
    r"class[- ]action|music (?:publishers|labels)|record labels|publishers association)\b",
    re.I,
)

# Acts that make a sentence an enforcement event even without a rule claim.
ACT_RE = re.compile(
    r"\b(?:order(?:s|ed|ing)?|direct(?:s|ed|ive|ives|ion|ions)|notices?|demand(?:s|ed|ing)?|"
    r"instruct(?:s|ed|ion|ions)|requir(?:e|es|ed|ing)|compel\w*|summon\w*|warn(?:s|ed|ing)?|"
    r"ultimatum|deadline|requests?|asked|ask(?:s|ing)?|call(?:s|ed)? on|urg(?:e|es|ed)|"
    r"sanction\w*|penal\w*|fin(?:e|es|ed)|ban(?:s|ned|ning)?|block(?:s|ed|ing)?|suspen\w+|"
    r"shut\w*|throttl\w+|comply|complied|compliance|law|act|rules|regulations?|legislation|crackdown|"
    r"investigat\w+|probe|prosecut\w+|charge[sd]?|court|judge|ruled|ruling|verdict|"
    r"showdown|standoff|stand-off|row|clash\w*|spat|feud|tussle|dispute|confrontation)\b",
    re.I,
)

# Back-references to the parties of the main story ("The judge also raised the fine").
ANAPHORA_RE = re.compile(
    r"\b(?:the|its|this) (?:judge|court|ministry|minister|regulator|government|authority|agency|company|"
    r"platform|app|firm|service|order|ban|block|suspension|decision|law|move)\b",
    re.I,
)

# Cues of a negative (non-dispute) story and their weights.
NEGATIVE_CUES: tuple[tuple[str, float], ...] = (
    (r"\b(?:earnings|revenue|quarterly|quarter|profit|shares (?:rose|fell|rise|jump\w*|drop\w*)|stock price|investors|"
     r"wall street|market cap\w*|analysts)\b", 1.0),
    (r"\b(?:acquisition|acquire[sd]?|merger|takeover bid|antitrust|competition (?:concerns|authority|watchdog)|"
     r"monopol\w+|fitbit|giphy)\b", 1.0),
    (r"\b(?:tariffs?|import duties|trade war|customs)\b", 1.0),
    (r"\b(?:layoffs?|laid off|employees (?:were|will be) (?:fired|laid)|rebrand\w*|logo|downloads|product launch|"
     r"new feature|launch(?:es|ed)? (?:a |its )?(?:new )?(?:app|feature|service|portal))\b", 1.0),
    (r"\b(?:outage|went down|was down|technical (?:glitch|fault|issue)|server (?:error|issue)|"
     r"configuration change|dns)\b", 1.0),
    (r"\b(?:hack(?:s|ed|er|ers|ing)?|breach(?:es|ed)?|data leak|leaked data|phishing|scam\w*|bitcoin)\b", 1.0),
    (r"\b(?:class[- ]action|settlement|plaintiffs|copyright|infring\w+|sued by|lawsuit (?:filed )?by|"
     r"music (?:publishers|labels)|privacy lawsuit)\b", 1.0),
    (r"\b(?:football|soccer|premier league|the fa\b|footballers?|striker|midfielder|clubs?|stadium|"
     r"match(?:es)?|tournament|cricket|boycott)\b", 1.0),
    (r"\b(?:blizzard|storm|snow|freezing rain|weather service|forecast)\b", 1.0),
    (r"\b(?:cage fight|cage match|mma|wrestl\w+|pay package|compensation package|tesla)\b", 1.0),
    (r"\b(?:followers|most[- ]followed|follower count)\b", 0.8),
    (r"\b(?:voter registration|register as voters|voters' day|ad spend\w*|political ads? (?:spend|library)|"
     r"campaign (?:spend\w*|ads))\b", 1.0),
    (r"\b(?:digital id(?:entity)?|aadhaar|e-government|procurement|contract worth|awarded a contract|workspace|"
     r"microsoft 365)\b", 1.0),
    (r"\b(?:securities and exchange commission|sec\b|stake|disclosure of (?:his|the) stake|shareholding)\b", 1.0),
    (r"\b(?:joined (?:koo|twitter|threads)|joins (?:koo|twitter|threads)|twitter seva|chatbot|official account)\b", 1.0),
    (r"\b(?:child(?:ren)?(?:'s)? (?:online )?safety campaign|awareness campaign|survey)\b", 0.6),
)
_NEGATIVE_RES = [(re.compile(p, re.I), w) for p, w in NEGATIVE_CUES]

# Claims that show enforcement by themselves.
ENFORCEMENT_OUTCOMES = frozenset({"fine_imposed", "service_blocked", "service_throttled", "staff_arrested",
                                  "ban_lifted", "demand_withdrawn", "complied", "refused",
                                  "challenged_in_court", "partially_complied"})

# "Pakistan bans TikTok", "Turkey fines social media giants": a country name as the actor.
COUNTRY_ACT_RE = re.compile(
    r"^\W{0,3}(?:'s|’s)?\s*(?:\w+\s+){0,1}?(?:bans?|banned|blocks?|blocked|fines?|fined|orders?|ordered|"
    r"suspends?|suspended|demands?|demanded|asks?|asked|threatens?|threatened|warns?|warned|"
    r"censors?|censored|restricts?|restricted|tells|told|directs?|directed|requires?|required|"
    r"imposed?|imposes|lifts?|lifted|slaps?|slapped|summons|summoned|pressures?|pressured|"
    r"moves to|seeks?|sought|pulls?|had (?:also )?warned|has (?:also )?(?:ordered|asked|demanded|blocked|banned))\b",
    re.I,
)
GOV_NOUN_AFTER_RE = re.compile(
    r"^\W{0,3}(?:'s|’s)?\s*(?:\w+\s+){0,2}?(?:government|govt|ministry|minister|regulators?|authorit(?:y|ies)|"
    r"officials|parliament|president|prime minister|courts?|judge|police|junta|military|telecoms? "
    r"(?:regulator|authority)|administration|lawmakers|watchdog|state|federal|cabinet)\b",
    re.I,
)

# "X" is a platform only next to these (English and the feed's other languages).
X_CONTEXT_RE = re.compile(
    r"musk|twitter|formerly|platform|social|posts? on|\bon X\b|\bX's\b|\bX Corp|plataforma|plateforme|plattform|"
    r"red social|rede social|réseau social|soziale[nm]? (?:netzwerk|medien)|media sosial|ट्विटर|STF|Anatel|suspens\w+ (?:do|del|de) X\b|"
    r"\b(?:o|el|la|le|das|der|den) X\b",
    re.I,
)
PLATFORM_CONTEXT_RE = re.compile(
    r"platform|\bapps?\b|social|messag|network|\bsite\b|service|musk|formerly|twitter|tweet|\bposts?\b|"
    r"users|accounts?|store|encrypt|chat|download|online|internet|@", re.I)
GENERIC_PLATFORM_RE = re.compile(
    r"\b(?:social media (?:platforms?|companies|firms|giants|networks?|sites?|providers)|"
    r"tech (?:giants?|firms?|companies)|the (?:platform|app|company|microblogging site)|social networks?)\b",
    re.I,
)

TITLE_PREFIX_RE = re.compile(
    r"\b(?:minister|president|prime minister|secretary|judge|justice|chairman|chief|spokes(?:man|person|woman)|"
    r"director|commissioner|governor|senator|attorney general)\s+(?:of\s+[\w\s]{0,40}?)?$",
    re.I,
)
GOV_ORG_RE = re.compile(
    r"\b(?:ministry|court|commission|authority|agency|office|government|police|parliament|congress|"
    r"council|department|regulator|tribunal|senate|administration|directorate|bureau|military)\b",
    re.I,
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WD = "|".join(WEEKDAYS)
# "on Friday", "late on Wednesday", "Friday night" (past events); not "Monday's coup" or
# "the deadline approaches Sunday".
WEEKDAY_RE = re.compile(rf"\bon\s+(?P<wd>{_WD})\b(?!['’]s)|\b(?P<wd2>{_WD})\s+(?:morning|afternoon|evening|night)\b", re.I)
MONTHDAY_RE = re.compile(
    rf"\b(?:(?P<m1>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}}))?|"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MON})\b(?:,?\s+(?P<y2>\d{{4}}))?)",
    re.I,
)
DATELINE_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})")

# Page chrome that scraped texts keep (see the corpus README): the index's " date
# YYYY-MM-DD" line and share buttons before a sentence, and whole lines that are
# navigation, teasers or buttons. A quote is a sentence of the article, never these.
_BUTTONS = r"facebook|twitter|x|whatsapp|linkedin|reddit|telegram|pinterest|email|e-mail|print|copy link|share"
_LEADING_CHROME_RE = re.compile(
    r"(?:date\s+\d{4}-\d{2}-\d{2}\b\s*"
    r"|(?:share|post|send)\s+(?:on|via|to)\s+(?:facebook|twitter|x|whatsapp|linkedin|reddit|telegram|email)\b[\s|·•,]*"
    r"|(?:tweet|share|email|print|copy link)\s*[|·•]\s*)+",
    re.I,
)
_CHROME_SENTENCE_RE = re.compile(
    r"^(?:(?:also\s+)?read(?:\s+more)?\s*(?:[:|]|-\s)|related\s*(?:[:|]|-\s)|watch\s*:|advertisement\b|skip to (?:main )?content"
    r"|click here\b|sign up\b|subscribe\b|follow us\b|top of page$|refer-a-friend$|video extras$"
    r"|(?:share|tweet|email|print|copy link|comments?)(?:\s+(?:this|on|via)(?:\s+\w+)?)?[\s|·•,.:]*$"
    r"|this article is more than \S+ (?:years?|months?) old"
    rf"|(?:{_BUTTONS})(?:\s*[|·•,/]\s*(?:{_BUTTONS}))+\s*$)",
    re.I,
)


def quote_bounds(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The quotable part of the sentence ``text[start:end]``: trimmed, without the
    chrome before it; None when the whole sentence is chrome."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    chrome = _LEADING_CHROME_RE.match(piece, lead)
    if chrome:
        lead = chrome.end()
    quote = piece[lead:].rstrip()
    if not quote or _CHROME_SENTENCE_RE.match(quote):
        return None
    return start + lead, start + lead + len(quote)


# Non-English cheap path: enforcement and government words in the languages of the feed.
FOREIGN_ACT_RE = re.compile(
    r"(?:bloque\w*|bloquei\w*|bloqu\w+|suspend\w*|suspens\w+|prohib\w+|interdi\w+|multa\w*|sanci\w+|orden\w*|"
    r"ordena\w*|sperr\w*|gesperrt|verbot\w*|geldstrafe|bußgeld|bussgeld|anordn\w*|löschen|gelöscht|amende\w*|"
    r"retir\w+|eliminar|remov\w+|supprim\w+|blokir\w*|diblokir|denda|larang\w*|hapus|tutup|"
    r"ब्लॉक|प्रतिबंध|जुर्माना|रोक|हटाने|आदेश|नोटिस|bann\w*|sekt\w*|lokað\w*|loka\w*|"
    r"tribunal|gericht\w*|juez|juiz|jueza|richter|tribunale|cour|pengadilan|अदालत|कोर्ट|dómstól\w*)",
    re.I,
)
# Business, hack and sport cues in the feed's other languages (see NEGATIVE_CUES).
FOREIGN_NEGATIVE_RE = re.compile(
    r"(?:ingresos|beneficios|acciones de|resultados trimestrales|adquisici[óo]n|fusi[óo]n|hackeo|ciberataque|filtraci[óo]n|"
    r"receita|lucro|aquisi[çc][ãa]o|vazamento|ataque hacker|umsatz|gewinn|aktie|übernahme|hackerangriff|datenleck|"
    r"chiffre d'affaires|bénéfice|rachat|piratage|fuite de données|pendapatan|laba|saham|akuisisi|peretasan|kebocoran data|"
    r"f[úu]tbol|fu[ßs]ball|futebol|sepak bola|partido|spiel|match de|hagnaður|tekjur|fótbolt\w*|राजस्व|मुनाफा|हैक)",
    re.I,
)
FOREIGN_GOV_RE = re.compile(
    r"(?:gobierno|ministerio|ministro|ministra|regierung|ministerium|minister\w*|gouvernement|ministère|"
    r"governo|ministério|pemerintah|kementerian|menteri|सरकार|मंत्रालय|मंत्री|ríkisstjórn\w*|ráðherra|"
    r"stjórnvöld\w*|regulador|autoridad\w*|behörde|autorité|autoridade|komisi|comisión|kommission|"
    r"commission|tribunal|gericht|juez|juiz|cour|pengadilan|अदालत|dómstól\w*|polic\w+|polizei)",
    re.I,
)


# --------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------
def detect_language(text: str) -> str:
    """ISO 639-1 code from langdetect (seeded, so deterministic) over the first ~1,000
    characters; 'en' when undecidable, since most of the feed is English. langdetect has
    no Icelandic profile, so þ/ð (used by no other language it knows) decide that."""
    sample = text[:1000]  # enough for a stable guess; langdetect's cost grows with length
    if len(re.findall(r"[^\W\d_]", sample)) < 20:
        return "en"
    if len(re.findall(r"[þðÞÐ]", sample)) >= 3:
        return "is"
    try:
        return detect(sample)
    except LangDetectException:
        return "en"


# --------------------------------------------------------------------------------------
# Per-sentence view of a document
# --------------------------------------------------------------------------------------
@dataclass
class _Sent:
    start: int
    end: int
    text: str
    platforms: set[str] = field(default_factory=set)
    companies: set[str] = field(default_factory=set)
    generic_platform: bool = False
    gov: float = 0.0  # 0 none, 0.5 weak, 1 strong
    gov_countries: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    act: bool = False
    non_gov_actor: bool = False

    @property
    def has_platform(self) -> bool:
        return bool(self.platforms or self.companies or self.generic_platform)

    @property
    def enforcement(self) -> bool:
        return any(c.kind in ("demand", "penalty") or (c.kind == "outcome" and c.value in ENFORCEMENT_OUTCOMES)
                   for c in self.claims)


@dataclass
class _DocView:
    doc: Doc
    sents: list[_Sent]
    mentions: list[Mention]
    claims: list[Claim]
    in_title: bool


def _plausible_platform(doc: Doc, start: int, end: int, alias: str, x_known: bool = False) -> bool:
    """Ambiguous aliases ("X", "Signal", "Apple") count only near platform vocabulary.
    ``x_known``: the article names X unambiguously elsewhere ("Elon Musk's X", "Twitter"),
    so a bare "X" in it (or its headline) is the platform too."""
    if alias not in gazetteer.AMBIGUOUS_ALIASES:
        return True
    window = doc.text[max(0, start - 80): end + 80]
    if alias == "X":
        if x_known:
            return True
        # "X" needs a stronger hint: Musk, Twitter, "formerly", or "platform/social" next to it.
        return bool(X_CONTEXT_RE.search(window))
    return bool(PLATFORM_CONTEXT_RE.search(window))


X_KNOWN_RE = re.compile(r"\bMusk|\bTwitter\b|\bX Corp|\bX\.com\b|\bformerly (?:known as )?Twitter|ex-Twitter|ट्विटर")


def _mentions(doc: Doc, in_title: bool, x_known: bool = False) -> list[Mention]:
    out: list[Mention] = []
    for ent in doc.ents:
        label = ent.label_
        link = ent.ent_id_ or None
        if label == "PLATFORM" and not _plausible_platform(doc, ent.start_char, ent.end_char, ent.text, x_known):
            continue
        country = gazetteer.country_of(link) if label in GOV_LABELS | COUNTRY_LABELS else None
        if label in ("GPE", "NORP") and ent.text in _name_to_iso():
            label, country = "COUNTRY", _name_to_iso()[ent.text]
            link = country
        out.append(Mention(label, ent.text, ent.start_char, ent.end_char, link, country, in_title))
    return out


@lru_cache(maxsize=1)
def _name_to_iso() -> dict[str, str]:
    """Country names and demonyms -> ISO2, to link the model's own GPE/NORP entities."""
    out: dict[str, str] = {}
    for entry in gazetteer.countries().values():
        for name in entry.names + entry.demonyms:
            out.setdefault(name, entry.iso2)
    return out


# Words showing that a platform's own removal was done for a government.
DIRECTIVE_RE = re.compile(
    r"\b(?:orders?|ordered|directives?|direct(?:ed|ion|ions)|demands?|demanded|requests?|requested|instruct\w*|"
    r"comply|complied|compliance|legal demand|notices?)\b",
    re.I,
)
# Words that make a government ask for reinstatement ("told Facebook to restore").
ASK_RE = re.compile(r"\b(?:ask|order|demand|direct|instruct|urg|told|tell|call|want|press|requir)\w*", re.I)
# A negation right before a claim ("without requiring the posts to be removed").
NEGATION_RE = re.compile(r"\b(?:without|not|never|no|nor|rather than|instead of)\b[^.;]{0,30}$", re.I)
THREAT_CONTEXT_RE = re.compile(
    r"\b(?:penalt\w+|sanctions?|threat\w*|could|would|will|may|might|face|faces|risk\w*|if|unless|"
    r"non-?compliance|include|including|subsequent|gradual)\b",
    re.I,
)
# Outcomes whose subject must be the platform.
PLATFORM_OUTCOMES = frozenset({"complied", "partially_complied", "refused", "challenged_in_court"})


def _platform_acts(doc: Doc, sent: Span, claim_start: int) -> bool:
    """The platform is plausibly the actor of an outcome claim: the sentence names a
    platform (or "the company/it") and the nearest named actor before the claim is not a
    non-platform organisation or a government body. "Facebook blocked accounts" without
    any order in the sentence is the platform's own moderation, not compliance."""
    if _GENERIC_SUBJECT_RE.search(doc.text[sent.start_char:claim_start]):
        return True
    if not any(e.label_ in PLATFORM_LABELS for e in sent.ents) and not GENERIC_PLATFORM_RE.search(sent.text):
        return False
    before = doc.char_span(sent.start_char, claim_start, alignment_mode="contract")
    actors = [e for e in (before.ents if before is not None else ()) if e.label_ in
              PLATFORM_LABELS | GOV_LABELS | {"ORG", "PERSON", "NORP"}]
    if actors and actors[-1].label_ not in PLATFORM_LABELS and actors[-1].label_ != "PERSON":
        return False
    starts_with_platform = any(e.start_char == claim_start and e.label_ in PLATFORM_LABELS for e in sent.ents)
    if starts_with_platform and not DIRECTIVE_RE.search(sent.text):
        return False
    return True


_GENERIC_CONTENT_RE = re.compile(r"\b(?:content|contents|material)\s*$", re.I)
_THREAT_RE = re.compile(r"threat|ultimatum", re.I)


_GENERIC_SUBJECT_RE = re.compile(
    r"\b(?:it|the company|the platform|the firm|the app|the (?:social media|tech|internet) (?:giant|company|firm)|"
    r"the microblogging (?:site|platform|service))\s+(?:(?:has|had|have|also|later|then|itself|reportedly|quickly|"
    r"promptly|subsequently)\s+)*$",
    re.I,
)


def _platform_is_subject(doc: Doc, sent_start: int, claim_start: int) -> bool:
    """True when the actor right before a claim is the platform ("Facebook threatened to
    ban news", "the company deleted a tweet") and no government word intervenes."""
    before_text = doc.text[sent_start:claim_start]
    if _GENERIC_SUBJECT_RE.search(before_text):
        return True
    before = doc.char_span(sent_start, claim_start, alignment_mode="contract")
    if before is None or not before.ents:
        return False
    last = before.ents[-1]
    if last.label_ not in PLATFORM_LABELS:
        return False
    return not STRONG_GOV_RE.search(doc.text[last.end_char:claim_start])


def _sentences(doc: Doc) -> list[Span]:
    """Sentence spans, computed once (``Span.sent`` rescans the doc on every call)."""
    return list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]


def _claims_from_spans(doc: Doc, in_title: bool, sents: list[Span]) -> list[Claim]:
    claims: list[Claim] = []
    starts = [s.start for s in sents]
    for span in doc.spans.get(CLAIMS_KEY, []):
        sent = sents[max(0, bisect_right(starts, span.start) - 1)]
        if span.label_ == "penalty" and span.kb_id_ == "ban" and _THREAT_RE.search(span.text) \
                and _platform_is_subject(doc, sent.start_char, span.start_char):
            continue  # the platform threatens (e.g. to pull news), not the government
        if span.label_ == "outcome" and span.kb_id_ in PLATFORM_OUTCOMES \
                and not _platform_acts(doc, sent, span.start_char):
            continue  # "the military refused to accept", "operators comply": not the platform
        if span.label_ == "demand" and NEGATION_RE.search(doc.text[max(sent.start_char, span.start_char - 40):span.start_char]):
            continue
        if span.label_ == "demand" and span.kb_id_ == "restore_content" and not ASK_RE.search(sent.text):
            continue  # the platform reinstating on its own is a reversal, not a demand
        if span.label_ == "demand" and span.kb_id_ == "throttle" and THREAT_CONTEXT_RE.search(sent.text):
            continue  # a threatened slowdown is a penalty, not the demand itself
        if span.label_ == "demand" and span.kb_id_ in ("remove_content", "withhold_accounts") \
                and _platform_is_subject(doc, sent.start_char, span.start_char) and not DIRECTIVE_RE.search(sent.text):
            continue  # the platform's own moderation ("Twitter deleted a tweet"), not a demand
        bounds = quote_bounds(doc.text, sent.start_char, sent.end_char)
        if bounds is None or not bounds[0] <= span.start_char < bounds[1]:
            continue  # found in page chrome, not in a sentence of the article
        extra: dict = {}
        kind, value = span.label_, span.kb_id_
        if kind == "count":
            parsed = parse_count(span.text)
            if not parsed:
                continue
            value, number = parsed
            extra["number"] = number
        elif kind == "penalty" and value == "fine":
            money = parse_money(sent.text)
            if money:
                extra.update(money)
        elif kind == "penalty" and value == "jail_term":
            extra.update(parse_jail(span.text) or parse_jail(sent.text))
        elif kind == "legal_basis":
            extra["kind"] = value
            value = span.text.strip()
        claims.append(Claim(
            kind=kind, value=value, extra=extra,
            sentence_start=bounds[0], sentence_end=bounds[1], quote=doc.text[bounds[0]:bounds[1]],
            start_char=span.start_char, end_char=span.end_char, in_title=in_title,
        ))
    return claims


def _gov_in_sentence(sent: _Sent, ments: list[Mention], text: str) -> None:
    """Set gov strength and the countries it points to."""
    strong = False
    for m in ments:
        if m.label in GOV_LABELS:
            strong = True
            if m.country:
                sent.gov_countries.append(m.country)
        elif m.label in COUNTRY_LABELS and m.country:
            sent.countries.append(m.country)
            after = text[m.end_char - sent.start: m.end_char - sent.start + 60]
            if COUNTRY_ACT_RE.search(after) or (m.label != "CAPITAL" and GOV_NOUN_AFTER_RE.search(after)):
                strong = True
                sent.gov_countries.append(m.country)
            elif m.label == "CAPITAL" and m.start_char - sent.start > 3 and COUNTRY_ACT_RE.search(after):
                strong = True
                sent.gov_countries.append(m.country)
    if STRONG_GOV_RE.search(text):
        strong = True
    if strong:
        sent.gov = 1.0
    elif WEAK_GOV_RE.search(text):
        # "a federal judge in Brazil", "Turkish police": a weak word tied to a country.
        sent.gov = 0.9 if sent.countries else 0.5
    sent.non_gov_actor = bool(NON_GOV_ACTOR_RE.search(text))


def _view(doc: Doc, in_title: bool, x_known: bool = False) -> _DocView:
    mentions = _mentions(doc, in_title, x_known)
    spacy_sents = _sentences(doc)
    claims = _claims_from_spans(doc, in_title, spacy_sents)
    sents: list[_Sent] = []
    bounds = [(s.start_char, s.end_char) for s in spacy_sents]
    for start, end in bounds:
        text = doc.text[start:end]
        if not text.strip():
            continue  # blank lines would break sentence adjacency
        s = _Sent(start, end, text)
        ments = [m for m in mentions if start <= m.start_char < end]
        for m in ments:
            if m.label == "PLATFORM" and m.link:
                s.platforms.add(m.link)
            elif m.label == "COMPANY" and m.link:
                s.companies.add(m.link)
        s.generic_platform = bool(GENERIC_PLATFORM_RE.search(text))
        _gov_in_sentence(s, ments, text)
        s.claims = [c for c in claims if start <= c.start_char < end]
        s.act = bool(s.claims and any(c.kind != "count" for c in s.claims)) or bool(ACT_RE.search(text))
        sents.append(s)
    return _DocView(doc, sents, mentions, claims, in_title)


# --------------------------------------------------------------------------------------
# Relevance
# --------------------------------------------------------------------------------------
def _window(sents: list[_Sent], i: int) -> list[_Sent]:
    return sents[max(0, i - 1): i + 2]


def _evidence(view: _DocView) -> tuple[float, list[int]]:
    """Sum of sentence scores where an act co-occurs with a government and a platform in
    the sentence's neighbourhood; returns the score and the indices of such sentences."""
    total = 0.0
    hits: list[int] = []
    for i, s in enumerate(view.sents):
        if not s.act:
            continue
        win = _window(view.sents, i)
        plat = 1.0 if s.has_platform else (0.6 if any(w.has_platform for w in win) else 0.0)
        gov = max(s.gov, 0.8 * max(w.gov for w in win))
        if s.non_gov_actor and gov < 1.0:
            gov *= 0.5
        strength = 1.0 if s.enforcement else 0.5
        score = plat * gov * strength
        if score >= 0.3:
            total += score
            hits.append(i)
    return total, hits


def _negative_score(title: str, text: str) -> float:
    score = 0.0
    for regex, weight in _NEGATIVE_RES:
        n_title = len(regex.findall(title))
        n_text = len(regex.findall(text))
        score += weight * (2 * min(n_title, 1) + min(n_text, 3) / 3)
    return score


def _relevance(title_view: _DocView, text_view: _DocView, title: str, text: str) -> tuple[float, list[int]]:
    t_score, _ = _evidence(title_view)
    b_score, hits = _evidence(text_view)
    evidence = 2.0 * t_score + b_score
    negative = _negative_score(title, text[:3000])
    z = 1.3 * math.log1p(evidence) - 0.9 * negative - 0.8
    return 1.0 / (1.0 + math.exp(-3.0 * z)), hits


def _foreign_relevance(view: _DocView, title: str, text: str) -> float:
    """Non-English: gazetteer platform + government word or country + enforcement word."""
    plat = any(m.label in PLATFORM_LABELS for m in view.mentions)
    gov = bool(FOREIGN_GOV_RE.search(title + " " + text)) or any(m.label in GOV_LABELS for m in view.mentions)
    country = any(m.label in COUNTRY_LABELS for m in view.mentions)
    acts = len(FOREIGN_ACT_RE.findall(title + " " + text[:3000]))
    z = (1.0 if plat else -2.0) + (0.8 if gov else 0.0) + (0.4 if country else 0.0) + min(acts, 4) * 0.4 - 1.6
    z -= 0.5 * _negative_score(title, text[:3000])
    z -= 0.6 * min(len(FOREIGN_NEGATIVE_RE.findall(title + " " + text[:3000])), 3)
    return 1.0 / (1.0 + math.exp(-3.0 * z))


# --------------------------------------------------------------------------------------
# Field extraction
# --------------------------------------------------------------------------------------
def _dispute_sentences(view: _DocView, hits: list[int]) -> set[int]:
    """Sentences whose claims feed the fields: the hit sentences and their neighbours,
    plus any enforcement sentence naming a platform or a government."""
    keep: set[int] = set()
    for i in hits:
        keep.update(range(max(0, i - 1), min(len(view.sents), i + 2)))
    for i, s in enumerate(view.sents):
        if s.enforcement and (s.has_platform or s.gov >= 0.5 or ANAPHORA_RE.search(s.text)):
            keep.add(i)
    return keep


def _pick_countries(views: list[tuple[_DocView, set[int]]]) -> list[str]:
    score: Counter[str] = Counter()
    for view, keep in views:
        weight = 3.0 if view.in_title else 1.0
        for i, s in enumerate(view.sents):
            in_scope = i in keep
            for iso in s.gov_countries:
                score[iso] += weight * (1.5 if in_scope else 0.5)
            for iso in s.countries:
                score[iso] += weight * (0.4 if in_scope else 0.1)
    if not score:
        return []
    best, top = score.most_common(1)[0]
    return [best] if top >= 0.5 else []


def _pick_platforms(views: list[tuple[_DocView, set[int]]]) -> list[str]:
    score: Counter[str] = Counter()
    company_score: Counter[str] = Counter()
    for view, keep in views:
        weight = 3.0 if view.in_title else 1.0
        for i, s in enumerate(view.sents):
            w = weight * (1.0 if i in keep and (s.enforcement or s.gov) else 0.15)
            # Sorted: ties keep a fixed order (first sentence first), not the set's, which
            # changes with the process's hash seed and made the main platform, hence the
            # dispute an article joins, differ from run to run.
            for code in sorted(s.platforms):
                score[code] += w
            for key in sorted(s.companies):
                company_score[key] += w
    # A company stands for its main platform only when none of its products is named in a
    # dispute sentence ("Meta fined" vs "Meta's Instagram was fined").
    for key, value in company_score.items():
        company = gazetteer.company_by_key(key)
        if company and company.default_platform and not any(score[p] >= 0.9 for p in company.platforms):
            score[company.default_platform] += value
    if not score:
        return []
    top = max(score.values())
    if top < 0.9:
        return []
    return sorted((p for p, v in score.items() if v >= max(0.9, 0.3 * top)), key=lambda p: -score[p])


def _values(claims: Iterable[Claim], kind: str) -> list[str]:
    seen: dict[str, None] = {}
    for c in claims:
        if c.kind == kind:
            seen.setdefault(c.value, None)
    return list(seen)


def _scoped_claims(views: list[tuple[_DocView, set[int]]]) -> list[Claim]:
    out: list[Claim] = []
    for view, keep in views:
        for i in sorted(keep):
            out.extend(view.sents[i].claims)
    return out


def _pick_count(views: list[tuple[_DocView, set[int]]], kind: str) -> int | None:
    """First count of the kind: the headline first, then dispute sentences that carry a
    demand or enforcement claim, then any other dispute sentence."""
    def counts(view: _DocView, idx: Iterable[int]) -> Iterable[int]:
        for i in idx:
            for c in view.sents[i].claims:
                if c.kind == "count" and c.value == kind:
                    yield c.extra["number"]

    title_view = next((v for v, _ in views if v.in_title), None)
    body = [(v, keep) for v, keep in views if not v.in_title]
    if title_view is not None:
        for number in counts(title_view, range(len(title_view.sents))):
            return number
    for strict in (True, False):
        for view, keep in body:
            idx = [i for i in sorted(keep) if not strict or view.sents[i].enforcement]
            for number in counts(view, idx):
                return number
    return None


def _legal_rank(c: Claim) -> tuple[int, int]:
    """Most specific first: "Section 69A of the IT Act" > "Network Enforcement Act (NetzDG)"
    > a named act > an acronym > "the new social media law" > a bare "section 77"."""
    kind = c.extra.get("kind")
    if kind == "provision":
        rank = 0 if " of " in c.value else 5
    elif kind == "named_act":
        rank = 1 if "(" in c.value else 2
    else:
        rank = {"acronym": 3, "descriptive": 4}.get(kind, 9)
    return rank, c.start_char


def _pick_legal_basis(views: list[tuple[_DocView, set[int]]]) -> str | None:
    """Legal basis from anywhere in the body (laws are cited away from the demand
    sentence); from the headline only when it is not a title-cased "... Law" phrase."""
    legal = []
    for view, _ in views:
        for c in view.claims:
            if c.kind == "legal_basis" and not (view.in_title and c.extra.get("kind") == "named_act"):
                legal.append(c)
    if not legal:
        return None
    best = min(legal, key=_legal_rank)
    return re.sub(r"^(?:the|The)\s+", "", best.value)


# Generic state actors written as common nouns ("the Indian government", "a federal judge").
GENERIC_ACTOR_RE = re.compile(
    r"\b(?:(?:central|federal|military|[A-Z][a-z]+(?:n|ese|i|ish|ian))\s+)?government\b(?:\s+of\s+[A-Z][a-z]+)?|"
    r"\b(?:federal|high court|supreme court)\s+judge\b|"
    r"\b(?:justice|information|communications?|interior|home|digital|it|telecom(?:munications)?|foreign)\s+minist(?:er|ry)\b|"
    r"\b[A-Z][a-z]+\s+military\b"
)
# Organisations that look governmental but are not ("Anadolu Agency" is a news agency).
NOT_GOV_ORG_RE = re.compile(r"\b(?:news agency|press|anadolu agency|associated press|reuters|agence|bbc|broadcaster)\b", re.I)


def _gov_acronyms(text: str) -> dict[str, str]:
    """'Pakistan Telecommunication Authority (PTA)' -> {'PTA': full form with acronym}."""
    out = {}
    for m in re.finditer(r"((?:[A-Z][\w&-]*\s+|of\s+|and\s+|for\s+){1,8}?[A-Z][\w&-]*)\s+\(([A-Z][A-Za-z]{1,9})\)", text):
        out[m.group(2)] = f"{_clean_actor(m.group(1))} ({m.group(2)})"
    return out


_HEADLINE_VERB_RE = re.compile(r"\s+(?:Upholds|Blocks|Bans|Orders|Fines|Suspends|Confirms|Says|Asks|Warns|Threatens)$")


def _clean_actor(name: str) -> str:
    """Trim punctuation, articles, possessive country prefixes and headline verbs."""
    name = re.sub(r"[()]", "", name).strip(" ,.;:'\"’")
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"^[A-Z][a-z]+(?:'s|’s)\s+", "", name)
    return _HEADLINE_VERB_RE.sub("", name)


def _government_actors(views: list[tuple[_DocView, set[int]]]) -> list[str]:
    """Named state actors in the dispute sentences: gazetteer/database bodies and
    officials, titled persons, governmental organisations, and generic phrases such as
    "the Indian government". Headline NER (title case confuses it) is ignored."""
    names: dict[str, None] = {}
    acronyms: dict[str, str] = {}
    for view, keep in views:
        text = view.doc.text
        acronyms.update(_gov_acronyms(text))
        for i in sorted(keep):
            s = view.sents[i]
            if not (s.enforcement or s.gov >= 1.0):
                continue
            for ent in view.doc.char_span(s.start, s.end, alignment_mode="expand").ents:
                name = _clean_actor(ent.text)
                if ent.label_ in GOV_LABELS:
                    names.setdefault(name, None)
                elif view.in_title:
                    continue
                elif ent.label_ == "PERSON" and TITLE_PREFIX_RE.search(text[max(0, ent.start_char - 50):ent.start_char]):
                    names.setdefault(name, None)
                elif ent.label_ == "ORG" and GOV_ORG_RE.search(name) and not NOT_GOV_ORG_RE.search(name) \
                        and "," not in name:
                    names.setdefault(name, None)
            if not view.in_title:
                for m in GENERIC_ACTOR_RE.finditer(s.text):
                    if m.group(0).lower() != "government":  # bare "government" names no one
                        names.setdefault(m.group(0), None)
    # "PTA" + "Pakistan Telecommunication Authority" -> the text's own "Full Name (PTA)".
    merged: dict[str, None] = {}
    for n in names:
        full = acronyms.get(n) or next((f for a, f in acronyms.items() if f.startswith(n + " (")), None)
        merged.setdefault(full or n, None)
    kept = list(merged)
    # Drop names contained in a longer kept name ("Prasad" when "Ravi Shankar Prasad" is kept).
    return [n for n in kept if not any(n != o and n.lower() in o.lower() for o in kept)]


def _resolve_weekday(match: re.Match[str], published: date | None) -> date | None:
    """The most recent such weekday on or before the publication date."""
    if not published:
        return None
    target = WEEKDAYS.index((match.group("wd") or match.group("wd2")).lower())
    return published - timedelta(days=(published.weekday() - target) % 7)


def _resolve_monthday(match: re.Match[str], published: date | None) -> date | None:
    month_txt = (match.group("m1") or match.group("m2")).lower().rstrip(".")
    month = next((i + 1 for i, m in enumerate(MONTHS) if m.startswith(month_txt[:3])), None)
    day = int(match.group("d1") or match.group("d2"))
    year_txt = match.group("y1") or match.group("y2")
    year = int(year_txt) if year_txt else (published.year if published else None)
    if not (month and year):
        return None
    try:
        resolved = date(year, month, day)
    except ValueError:
        return None
    if not year_txt and published and resolved > published + timedelta(days=2):
        resolved = resolved.replace(year=resolved.year - 1)
    return resolved


def _event_date(views: list[tuple[_DocView, set[int]]], published: date | None) -> date | None:
    """Date phrase in the dispute sentences that carry a demand, outcome or penalty,
    resolved against the publication date; relative weekdays ("on Monday") first, since
    month-day dates in those sentences are often datelines; otherwise None."""
    sentences = [view.sents[i] for view, keep in views if not view.in_title for i in sorted(keep)
                 if any(c.kind in ("demand", "outcome", "penalty") for c in view.sents[i].claims)]
    for regex, resolve in ((WEEKDAY_RE, _resolve_weekday), (MONTHDAY_RE, _resolve_monthday)):
        for s in sentences:
            for m in regex.finditer(s.text):
                resolved = resolve(m, published)
                if resolved:
                    return resolved
    return None


def _as_date(value: date | str | None, text: str) -> date | None:
    if isinstance(value, date):
        return value
    raw = value or (DATELINE_RE.match(text).group(1) if DATELINE_RE.match(text) else None)
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def _fill_fields(ann: Annotation, views: list[tuple[_DocView, set[int]]], published: date | None) -> None:
    claims = _scoped_claims(views)
    ann.countries = _pick_countries(views)
    ann.platforms = _pick_platforms(views)
    ann.government_actors = _government_actors(views)
    demands = _values(claims, "demand")
    # "blocking content and accounts": generic "content" next to an account demand is the
    # same demand, not a separate takedown of posts.
    if "withhold_accounts" in demands and "remove_content" in demands and all(
            _GENERIC_CONTENT_RE.search(c.quote[c.start_char - c.sentence_start:c.end_char - c.sentence_start])
            for c in claims if c.value == "remove_content"):
        demands.remove("remove_content")
    ann.demand_types = demands
    penalties = _values(claims, "penalty")
    # A block that punishes non-compliance with another demand is also a threatened ban
    # (labelling convention): a block plus another demand that the platform resisted.
    outcomes = _values(claims, "outcome")
    if "ban_service" in ann.demand_types and set(ann.demand_types) - {"ban_service", "throttle"} \
            and {"refused", "partially_complied"} & set(outcomes) and "ban" not in penalties:
        penalties.append("ban")
    ann.penalties_threatened = penalties
    outcomes = _values(claims, "outcome")
    if "ban_lifted" in outcomes and "service_blocked" not in outcomes:
        outcomes.append("service_blocked")  # a lifted block was in place before
    ann.outcomes = outcomes or ["unknown"]
    ann.accounts_targeted = _pick_count(views, "accounts")
    ann.posts_targeted = _pick_count(views, "posts")
    ann.legal_basis = _pick_legal_basis(views)
    when = _event_date(views, published)
    ann.event_date = when.isoformat() if when else None


def _confidence(claim: Claim, sent: _Sent) -> float:
    """Rough belief that the claim belongs to the dispute: higher when the sentence names
    both sides."""
    score = 0.4 + 0.25 * bool(sent.has_platform) + 0.25 * (sent.gov >= 1.0) + 0.1 * claim.in_title
    return round(min(score, 1.0), 2)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def annotate_texts(nlp: Language, items: Sequence[Item], batch_size: int = 32) -> list[Annotation]:
    """Annotate ``(title, text, published)`` items. English items go through the full
    pipeline in batches; other languages through the cheap gazetteer path."""
    items = list(items)
    languages = [detect_language(f"{title}\n{text}") for title, text, _ in items]
    english = [i for i, lang in enumerate(languages) if lang == "en"]
    docs: dict[int, tuple[Doc, Doc]] = {}
    flat = [piece for i in english for piece in (items[i][0] or "", items[i][1] or "")]
    piped = list(nlp.pipe(flat, batch_size=batch_size))
    for n, i in enumerate(english):
        docs[i] = (piped[2 * n], piped[2 * n + 1])
    results: list[Annotation] = []
    for i, (title, text, published) in enumerate(items):
        title, text = title or "", text or ""
        pub = _as_date(published, text)
        if i in docs:
            results.append(_annotate_english(*docs[i], title, text, pub))
        else:
            results.append(_annotate_foreign(nlp, title, text, pub, languages[i]))
    return results


def _annotate_english(title_doc: Doc, text_doc: Doc, title: str, text: str, pub: date | None) -> Annotation:
    x_known = bool(X_KNOWN_RE.search(title) or X_KNOWN_RE.search(text))
    title_view, text_view = _view(title_doc, True, x_known), _view(text_doc, False, x_known)
    relevance, hits = _relevance(title_view, text_view, title, text)
    _, title_hits = _evidence(title_view)
    views = [(title_view, _dispute_sentences(title_view, title_hits)),
             (text_view, _dispute_sentences(text_view, hits))]
    for view, _ in views:
        for s in view.sents:
            for c in s.claims:
                c.confidence = _confidence(c, s)
    ann = Annotation(
        language="en", processing="full",
        mentions=text_view.mentions,
        claims=text_view.claims,
        relevance=round(relevance, 3), is_dispute=relevance >= 0.5,
        published=pub.isoformat() if pub else None,
    )
    ann.title_mentions = title_view.mentions
    if ann.is_dispute:
        _fill_fields(ann, views, pub)
    return ann


def _foreign_claims(doc: Doc, in_title: bool) -> list[Claim]:
    """Multilingual lexicon claims, anchored to the sentencizer's sentences."""
    claims = []
    sents = list(doc.sents)
    for kind, value, start, end in foreign_claim_matches(doc.text):
        sent = next((s for s in sents if s.start_char <= start < s.end_char), None)
        bounds = quote_bounds(doc.text, *((sent.start_char, sent.end_char) if sent is not None else (0, len(doc.text))))
        if bounds is None or not bounds[0] <= start < bounds[1]:
            continue  # page chrome
        s_start, s_end = bounds
        extra = parse_money(doc.text[s_start:s_end]) or {} if value == "fine" else {}
        claims.append(Claim(kind=kind, value=value, extra=dict(extra), sentence_start=s_start, sentence_end=s_end,
                            quote=doc.text[s_start:s_end], confidence=0.3, start_char=start, end_char=end,
                            in_title=in_title))
    return claims


def _annotate_foreign(nlp: Language, title: str, text: str, pub: date | None, language: str) -> Annotation:
    """Non-English: gazetteer mentions (platforms, countries, agencies) plus a small
    multilingual lexicon; the English NER and claim rules are not run."""
    title_doc, text_doc = ruler_only(nlp, title), ruler_only(nlp, text)
    x_known = bool(X_KNOWN_RE.search(title) or X_KNOWN_RE.search(text))
    title_view, text_view = _view(title_doc, True, x_known), _view(text_doc, False, x_known)
    title_claims, text_claims = _foreign_claims(title_doc, True), _foreign_claims(text_doc, False)
    relevance = _foreign_relevance(text_view, title, text)
    if title_view.mentions:
        relevance = min(1.0, relevance + 0.05 * any(m.label in PLATFORM_LABELS for m in title_view.mentions))
    ann = Annotation(
        language=language, processing="ruler_only",
        mentions=text_view.mentions, claims=text_claims,
        relevance=round(relevance, 3), is_dispute=relevance >= 0.5,
        published=pub.isoformat() if pub else None,
        title_mentions=title_view.mentions,
    )
    if ann.is_dispute:
        views = [(title_view, set(range(len(title_view.sents)))), (text_view, set(range(len(text_view.sents))))]
        # Government words are matched with the multilingual list, and a country mention
        # counts as the demanding government (no English context rules here).
        for view, _ in views:
            for s in view.sents:
                s.gov_countries.extend(s.countries)
                s.gov = max(s.gov, 1.0 if FOREIGN_GOV_RE.search(s.text) else 0.0)
        ann.countries = _pick_countries(views)
        ann.platforms = _pick_platforms(views)
        ann.government_actors = list(dict.fromkeys(
            m.text for v, _ in views for m in v.mentions if m.label in GOV_LABELS))
        claims = title_claims + text_claims
        ann.demand_types = _values(claims, "demand")
        ann.penalties_threatened = _values(claims, "penalty")
        ann.outcomes = _values(claims, "outcome") or ["unknown"]
        legal = re.search(r"\b(?:NetzDG|Netzwerkdurchsetzungsgesetz|Digital Services Act|DSA|Marco Civil(?: da Internet)?|"
                          r"POFMA|UU ITE|Online Safety Act)\b", title + " " + text)
        ann.legal_basis = legal.group(0) if legal else None
    return ann
