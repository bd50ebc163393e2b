"""Annotation core on texts written for these tests (real spaCy model, no mocks)."""

from __future__ import annotations

from datetime import date

import pytest

from ingestion.annotation.annotate import Annotation, annotate_texts, detect_language
from ingestion.annotation.cues import parse_count, parse_jail, parse_money
from ingestion.annotation.nlp import PIPELINE_VERSION, build_pipeline

INDIA_TITLE = "India orders Twitter to withhold accounts over farm protests"
INDIA_ORDER = ("India's IT ministry on Monday ordered Twitter to withhold 1,178 accounts under "
               "Section 69A of the IT Act, officials said.")
INDIA_TEXT = (
    "NEW DELHI, Feb 10 2021\n"
    f"{INDIA_ORDER} "
    "IT Minister Ravi Shankar Prasad said the platform must follow Indian law. "
    "The ministry warned that Twitter executives could face a 7-year jail term if the company "
    "does not comply. Twitter said it had asked for talks with the government."
)

FOOTBALL_TITLE = "Club fined and striker banned after abusive posts"
FOOTBALL_TEXT = (
    "The Football Association has fined a Premier League club £50,000 and handed its striker a "
    "six-match ban after he posted abusive messages on Twitter during the derby. "
    "The club said it would not appeal the ban, and the player apologised on Instagram. "
    "League officials said more than 20 posts were reviewed by the disciplinary panel."
)

SPANISH_TITLE = "Brasil ordena el bloqueo de Telegram"
SPANISH_TEXT = (
    "Un juez federal de Brasil ordenó este miércoles la suspensión temporal de Telegram en todo el "
    "país, después de que la empresa no entregara los datos solicitados por la policía. "
    "El tribunal también fijó una multa diaria por incumplimiento. El gobierno dijo que la "
    "plataforma debe cumplir la ley brasileña."
)


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(extra_patterns=[
        {"label": "GOV_BODY", "pattern": "Standoff Test Regulator", "id": "IN:actor:99"},
    ])


@pytest.fixture(scope="module")
def india(nlp) -> Annotation:
    return annotate_texts(nlp, [(INDIA_TITLE, INDIA_TEXT, date(2021, 2, 10))])[0]


def test_pipeline_is_reduced_and_versioned(nlp):
    assert nlp.pipe_names[0] == "sentencizer"
    assert nlp.pipe_names.index("entity_ruler") < nlp.pipe_names.index("ner")
    for unused in ("parser", "tagger", "lemmatizer", "tok2vec", "attribute_ruler"):
        assert unused not in nlp.pipe_names
    assert PIPELINE_VERSION


def test_india_fields(india):
    assert india.language == "en" and india.processing == "full"
    assert india.is_dispute and india.relevance >= 0.5
    assert india.countries == ["IN"]
    assert india.platforms == ["twitter"]
    assert "withhold_accounts" in india.demand_types
    assert india.accounts_targeted == 1178
    assert "jail_term" in india.penalties_threatened
    assert "Section 69A of the IT Act" in (india.legal_basis or "")
    assert "negotiating" in india.outcomes
    assert india.event_date == "2021-02-08"  # "on Monday" before the 10 Feb dateline


def test_minister_is_mentioned_and_linked_to_india(india):
    minister = [m for m in india.mentions if m.text == "Ravi Shankar Prasad"]
    assert minister and minister[0].label == "OFFICIAL"
    assert minister[0].country == "IN"
    assert "Ravi Shankar Prasad" in india.government_actors
    ministry = [m for m in india.mentions if m.text == "IT ministry"]
    assert ministry and ministry[0].label == "GOV_BODY" and ministry[0].link == "IN"


def test_extra_pattern_links_a_database_actor(nlp):
    ann = annotate_texts(nlp, [("", "The Standoff Test Regulator ordered YouTube to remove 12 videos.", None)])[0]
    actor = [m for m in ann.mentions if m.text == "Standoff Test Regulator"]
    assert actor and actor[0].link == "IN:actor:99" and actor[0].country == "IN"


def test_order_claim_quotes_its_sentence(india):
    claims = [c for c in india.claims if c.kind == "demand" and c.value == "withhold_accounts"]
    assert claims
    claim = claims[0]
    assert claim.quote == INDIA_TEXT[claim.sentence_start:claim.sentence_end]
    assert claim.quote.strip() == INDIA_ORDER
    assert 0.0 <= claim.confidence <= 1.0
    jail = [c for c in india.claims if c.value == "jail_term"]
    assert jail and jail[0].extra.get("years") == 7
    count = [c for c in india.claims if c.kind == "count"]
    assert count and count[0].extra["number"] == 1178


@pytest.mark.parametrize("text, expected", [
    ("1,178 accounts", ("accounts", 1178)),
    ("over 250 handles", ("accounts", 250)),
    ("more than 100 posts", ("posts", 100)),
    ("more than 100 URLs", ("posts", 100)),
    ("some 40 videos", ("posts", 40)),
    ("2.5 million tweets", ("posts", 2_500_000)),
    ("1,400,000 accounts", ("accounts", 1_400_000)),
])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


def test_parse_count_ignores_users_and_vague_amounts():
    assert parse_count("a dozen accounts") is None
    assert parse_count("20 million monthly active users") is None


@pytest.mark.parametrize("text, amount, currency, per_day", [
    ("a fine of €2 million", 2_000_000, "EUR", False),
    ("fined $5m", 5_000_000, "USD", False),
    ("a penalty of Rs 1 crore", 10_000_000, "INR", False),
    ("R$ 50,000 per day", 50_000, "BRL", True),
    ("30 million Turkish liras", 30_000_000, "TRY", False),
    ("£350,000 in fines", 350_000, "GBP", False),
])
def test_parse_money(text, amount, currency, per_day):
    money = parse_money(text)
    assert money and money["amount"] == amount and money["currency"] == currency
    assert money["per_day"] is per_day


def test_parse_jail():
    assert parse_jail("a seven-year prison term") == {"years": 7}
    assert parse_jail("up to 3 years in jail") == {"years": 3}


def test_fine_claim_carries_amount(nlp):
    text = "The regulator fined Meta €2 million for failing to publish a transparency report."
    ann = annotate_texts(nlp, [("Regulator fines Meta", text, None)])[0]
    fines = [c for c in ann.claims if c.kind == "penalty" and c.value == "fine"]
    assert fines and fines[0].extra["amount"] == 2_000_000 and fines[0].extra["currency"] == "EUR"


@pytest.mark.parametrize("sentence, expected", [
    ("The order was issued under Section 69A of the IT Act.", "Section 69A of the IT Act"),
    ("Facebook breached NetzDG, the ministry said.", "NetzDG"),
    ("The fine was imposed under the Network Enforcement Act.", "Network Enforcement Act"),
    ("Platforms must obey the 2020 social media law, the minister said.", "2020 social media law"),
    ("The court cited Article 19 of the Constitution.", "Article 19"),
    ("The directions were issued under POFMA.", "POFMA"),
    ("The Commission opened proceedings under the Digital Services Act.", "Digital Services Act"),
])
def test_legal_bases(nlp, sentence, expected):
    doc = nlp(sentence)
    found = [s.text for s in doc.spans["claims"] if s.label_ == "legal_basis"]
    assert any(expected in f for f in found), found


def test_demand_vocabulary_matches(nlp):
    cases = {
        "The ministry told YouTube to take down 30 videos.": "remove_content",
        "The government ordered operators to block access to Facebook.": "ban_service",
        "Regulators demanded that Telegram hand over user data to the police.": "user_data",
        "The law requires platforms to appoint a local representative.": "local_presence",
        "Companies must store user data on servers in the country.": "data_localisation",
        "The authority said it would throttle Twitter's bandwidth by 50%.": "throttle",
        "The ministry asked TikTok to put in place an effective mechanism to moderate content.": "proactive_monitoring",
        "The minister told Facebook to restore the suspended accounts of state media.": "restore_content",
    }
    for sentence, value in cases.items():
        doc = nlp(sentence)
        values = {s.kb_id_ for s in doc.spans["claims"] if s.label_ == "demand"}
        assert value in values, (sentence, values)


def test_outcome_vocabulary_matches(nlp):
    cases = {
        "Twitter complied with the order.": "complied",
        "Telegram refused to hand over the data.": "refused",
        "The company filed a petition in the High Court challenging the order.": "challenged_in_court",
        "The regulator fined Google $1 million.": "fine_imposed",
        "The government lifted the ban on TikTok.": "ban_lifted",
        "Officials held talks with Facebook executives.": "negotiating",
        "Police arrested the company's local executive.": "staff_arrested",
        "The ministry withdrew the order a day later.": "demand_withdrawn",
    }
    for sentence, value in cases.items():
        doc = nlp(sentence)
        values = {s.kb_id_ for s in doc.spans["claims"] if s.label_ == "outcome"}
        assert value in values, (sentence, values)


def test_hard_negative_sport_is_rejected(nlp):
    ann = annotate_texts(nlp, [(FOOTBALL_TITLE, FOOTBALL_TEXT, date(2024, 3, 2))])[0]
    assert not ann.is_dispute and ann.relevance < 0.5
    assert ann.countries == [] and ann.demand_types == []


def test_hard_negative_business_is_rejected(nlp):
    text = ("Meta said on Wednesday that quarterly revenue rose 23% as advertisers returned to "
            "Facebook and Instagram. Shares rose 4% in after-hours trading, and the company said "
            "it would hire more engineers for its messaging app WhatsApp.")
    ann = annotate_texts(nlp, [("Meta revenue beats estimates", text, None)])[0]
    assert not ann.is_dispute


def test_non_english_is_marked_and_keeps_gazetteer_matches(nlp):
    assert detect_language(SPANISH_TITLE + "\n" + SPANISH_TEXT) == "es"
    ann = annotate_texts(nlp, [(SPANISH_TITLE, SPANISH_TEXT, date(2023, 4, 26))])[0]
    assert ann.language == "es" and ann.processing == "ruler_only"
    assert any(m.label == "PLATFORM" and m.link == "telegram" for m in ann.mentions)
    assert any(m.label == "COUNTRY" and m.link == "BR" for m in ann.mentions)
    # English claim rules are not run; only the low-confidence multilingual lexicon.
    assert ann.claims and all(c.confidence <= 0.3 for c in ann.claims)
    assert ann.is_dispute and ann.platforms == ["telegram"] and ann.countries == ["BR"]
    assert "ban_service" in ann.demand_types and "fine" in ann.penalties_threatened


def test_ambiguous_x_needs_platform_context(nlp):
    plain = annotate_texts(nlp, [("", "Generation X voters turned out in large numbers.", None)])[0]
    assert not any(m.label == "PLATFORM" for m in plain.mentions)
    musk = annotate_texts(nlp, [("", "Brazil's court ordered Elon Musk's X to block the profiles.", None)])[0]
    assert any(m.link == "twitter" for m in musk.mentions)


def test_batch_preserves_order_and_mixed_languages(nlp):
    items = [(FOOTBALL_TITLE, FOOTBALL_TEXT, None), (SPANISH_TITLE, SPANISH_TEXT, None),
             (INDIA_TITLE, INDIA_TEXT, "2021-02-10")]
    anns = annotate_texts(nlp, items)
    assert [a.language for a in anns] == ["en", "es", "en"]
    assert [a.is_dispute for a in anns] == [False, True, True]


def test_gazetteer_tables_are_consistent():
    from ingestion.annotation import gazetteer

    table = gazetteer.countries()
    assert len(table) >= 190 and "EU" in table
    for iso2, entry in table.items():
        assert len(iso2) == 2 and iso2.isupper() and entry.names, iso2
    assert all(iso2 in table for iso2, _ in gazetteer.gov_bodies())
    assert all(iso2 in table for iso2, _ in gazetteer.officials())
    assert gazetteer.country_of("IN:actor:3") == "IN" and gazetteer.country_of("twitter") is None
    links = {(p["pattern"], p["label"]): p["id"] for p in gazetteer.entity_patterns()}
    assert links[("Roskomnadzor", "GOV_BODY")] == "RU"
    assert links[("European Commission", "GOV_BODY")] == "EU"
    assert links[("Elon Musk's X", "PLATFORM")] == "twitter"
    assert links[("ByteDance", "COMPANY")] == "bytedance"


def test_empty_and_malformed_items_do_not_fail(nlp):
    anns = annotate_texts(nlp, [("", "", None), (None, None, "not-a-date"), ("   ", "\n\n", None)])
    assert [a.is_dispute for a in anns] == [False, False, False]
    assert annotate_texts(nlp, []) == []


# Written for this test: one sentence per obligation the corpus calls `other`.
NEW_DEMAND_CUES = [
    ("divest", "Congress passed a law requiring ByteDance to divest TikTok's US business or face a ban."),
    ("pay_for_news", "Australia's government said its bargaining code would make Facebook pay for news from local outlets."),
    ("transparency_reports", "Germany's Federal Office of Justice fined Facebook over its incomplete transparency report."),
    ("label_content", "Singapore's ministry issued a correction direction ordering Facebook to add a notice to the post."),
    ("systemic_risk", "The European Commission ordered Twitter to carry out risk assessments and to stop using dark patterns."),
]


@pytest.mark.parametrize("demand_type,sentence", NEW_DEMAND_CUES)
def test_obligations_get_their_own_demand_type(nlp, demand_type, sentence):
    from disputes.vocab import demand_types_for_corpus

    ann = annotate_texts(nlp, [("", sentence, date(2024, 1, 10))])[0]
    assert demand_type in ann.demand_types
    assert "other" in demand_types_for_corpus(ann.demand_types)  # what evaluation scores
