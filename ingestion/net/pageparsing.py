"""Turn fetched bytes into an article: decode, then extract with trafilatura.

Failures raise `PermanentError` with a reason a curator can read ("binary content served as
HTML", "page has no <body>", ...): refetching the same bytes cannot fix them.
"""

import codecs
import datetime
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title
from trafilatura.utils import line_processing, load_html

from ingestion.errors import PermanentError
from ingestion.net.urlsafety import canonical_url

MIN_TEXT_CHARS = 200
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_SINGLE_BYTE = re.compile(r"^(cp12\d\d|iso8859_\d+|latin_\d|mac_\w+|koi8_\w)$")
# C0 control bytes other than tab, newline, form feed and carriage return: rare in any text.
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels browsers treat as supersets (WHATWG Encoding): a page labelled latin-1 is read as
# cp1252, Shift_JIS as cp932, and so on. Decoding with the narrow codec fails on real pages.
_SUPERSETS = {
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "iso8859_9": "cp1254",
}


@dataclass
class Extracted:
    title: str
    text: str
    author: str
    published: datetime.date | None
    language: str
    canonical_url: str | None
    encoding: str


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return _SUPERSETS.get(name, name)


def _strict(content: bytes, encoding: str) -> str | None:
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(content: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode HTML bytes; return (text, encoding).

    Headers and meta tags are often wrong, so a declared charset is only a candidate: a BOM or
    valid UTF-8 wins outright (other encodings rarely produce valid multi-byte UTF-8), then
    among the declared and detected candidates that decode without error, the one whose text
    looks least garbled (charset_normalizer's mess ratio) wins, ties going to the declaration.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace"), encoding
    as_utf8 = _strict(content, "utf-8")
    if as_utf8 is not None:
        return as_utf8, "utf-8"

    meta = _META_CHARSET.search(content[:8192])
    candidates: list[str] = []
    for label in (meta.group(1).decode("ascii", "ignore") if meta else None, http_charset):
        codec = _codec(label)
        if codec and codec != "utf_8" and codec not in candidates:
            candidates.append(codec)
    best = from_bytes(content[:200_000]).best()
    detected = _codec(best.encoding) if best else None
    # Single-byte code pages decode anything and the detector cannot tell cp1250 "č" from
    # cp1252 "è"; the web's most common legacy encoding goes first and wins such ties.
    if detected and _SINGLE_BYTE.match(detected) and "cp1252" not in candidates:
        candidates.append("cp1252")
    for codec in (detected, "cp1252"):
        if codec and codec not in candidates:
            candidates.append(codec)

    scored: list[tuple[float, int, str, str]] = []
    for order, codec in enumerate(candidates):
        text = _strict(content, codec)
        if text is not None:
            # Score only the non-ASCII neighbourhoods: markup would dilute the signal.
            sample = " ".join(re.findall(r"\S*[^\x00-\x7f]+\S*", text)[:2000])
            scored.append((mess_ratio(sample) if sample else 0.0, order, codec, text))
    if not scored:
        return content.decode("cp1252", errors="replace"), "cp1252"
    scored.sort(key=lambda item: (round(item[0], 3), item[1]))
    _, _, codec, text = scored[0]
    return text, codec


def looks_binary(content: bytes) -> bool:
    """True for images, PDFs, archives and other non-text bytes served as HTML."""
    head = content[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # UTF-16 text is full of NUL bytes
    if b"\x00" in head:
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control > len(head) * 0.05


def _canonical_link(tree, base_url: str | None) -> str | None:
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            try:
                return canonical_url(urljoin(base_url or "", href))
            except ValueError:
                return None  # a non-http(s) canonical is ignored, not trusted
    return None


def _language(tree, text: str) -> str:
    declared = tree.get("lang") or tree.get("xml:lang") or ""
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language":
            declared = declared or meta.get("content") or ""
    declared = declared.strip().split("-")[0].split("_")[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", declared):
        return declared
    try:
        from langdetect import DetectorFactory, detect  # loads its profiles: only for pages that need it

        DetectorFactory.seed = 0  # langdetect is random otherwise
        return detect(text[:5000])
    except Exception:  # langdetect raises its own LangDetectException on odd text
        return ""


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _metadata(tree, url: str | None) -> tuple[str, str, datetime.date | None]:
    """Title, author and publication date, the way trafilatura finds them.

    trafilatura's own `extract_metadata` also works out the site name, categories, tags,
    licence and the URL's registered domain, none of which Standoff keeps; on bench/ingest.py's
    news pages those cost about two thirds as much as the main-text extraction itself.
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle or a site name (trafilatura's rule)
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD parser has bugs of its own
        pass
    title = meta.title or extract_title(tree) or ""
    author = meta.author or extract_author(tree) or ""
    # Extensive date search scans the whole page; meta tags and the URL are enough here.
    date = find_date(tree, url=url, extensive_search=False, original_date=True,
                     max_date=datetime.date.today().isoformat())
    return line_processing(title) or "", line_processing(author) or "", _date(date)


def extract_article(
    content: bytes,
    *,
    url: str | None = None,
    http_charset: str | None = None,
    min_text_chars: int = MIN_TEXT_CHARS,
) -> Extracted:
    """Extract title, main text, author, date, language and rel=canonical from a page."""
    if not content.strip():
        raise PermanentError("the page is empty (0 bytes of content)", code="empty_page")
    if looks_binary(content):
        raise PermanentError("binary content served as HTML", code="binary_content")
    html, encoding = decode_html(content, http_charset)
    if not re.search(r"<body[\s>]", html[:500_000], re.IGNORECASE) and not re.search(
        r"<(p|article|div)[\s>]", html, re.IGNORECASE
    ):
        raise PermanentError("the page has no <body> and no text blocks", code="no_body")
    tree = load_html(html)
    if tree is None:
        raise PermanentError("the HTML could not be parsed at all", code="unparseable")
    title, author, published = _metadata(tree, url)
    document = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=False)
    text = (document.text if document else "") or ""
    if len(text.strip()) < min_text_chars:
        raise PermanentError(
            f"no article text found ({len(text.strip())} characters of main text, "
            f"{min_text_chars} needed)",
            code="no_text",
        )
    return Extracted(
        title=title.strip(),
        text=text.strip(),
        author=author.strip(),
        published=published,
        language=_language(tree, text),
        canonical_url=_canonical_link(tree, url),
        encoding=encoding,
    )
