"""Vocabularies that carry more than a label, in one place.

Plain Python (no Django), so that the annotator's rules and the evaluation
against the labelled corpus can import it too.

Each demand type has the verb phrase that completes "<body> asked <platform>
to …" in timelines, feeds and sentences, and the value of the corpus
vocabulary (../shared/corpus/README.md, `demand_types`) it is scored as. The
corpus lumps transparency reports, corrections, paying for news, divestiture
and design duties into `other`; Standoff names them, so that `other` is rare.
"""

from typing import NamedTuple


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
