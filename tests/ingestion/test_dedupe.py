from ingestion.dedupe import (
    containment,
    content_hash,
    fingerprints,
    is_near_duplicate,
    normalise_text,
    shingles,
)

WIRE = (
    "The government of Freedonia ordered the messaging service Chatter to suspend forty "
    "accounts on Tuesday, saying they had spread false reports about the election count. "
    "Officials gave the company two days to comply and warned that its local office could be "
    "closed. A spokesperson for Chatter said the company was reviewing the order and would "
    "protect free expression where the law allowed it. Opposition groups called the demand an "
    "attempt to silence critics ahead of the run-off vote next month. The regulator has "
    "blocked two news sites this year and fined a video platform for ignoring takedown notices."
)
EDITED = (
    "FREEDONIA CITY (Wire) — The government of Freedonia has ordered messaging service Chatter "
    "to suspend forty accounts on Tuesday, saying they had spread false reports about the "
    "election count. Officials gave the company two days to comply and warned that its local "
    "office could be closed. A spokesperson for Chatter said the company is reviewing the order "
    "and would protect free expression where the law allowed it. Read more: Election live blog"
)
INDEPENDENT = (
    "Chatter faces a deadline in Freedonia. Officials gave the company two days to comply and "
    "warned that its local office could be closed, according to a letter seen by our reporters. "
    "Analysts said the dispute mirrors earlier clashes between regional governments and social "
    "networks over election misinformation, and that the company has rarely refused such "
    "demands outright. The ministry did not respond to questions about the legal basis."
)
OTHER = (
    "The football club confirmed on Friday that its striker would miss the rest of the season "
    "after knee surgery, a blow to its hopes of promotion. The manager said the squad was "
    "strong enough to cope and that a replacement could be signed when the window opens."
)


def test_content_hash_ignores_case_whitespace_and_punctuation():
    assert content_hash("Hello,  World!\n") == content_hash("hello world")
    assert content_hash("hello world") != content_hash("hello there world")
    assert normalise_text("Ça  VA?") == "ça va"


def test_a_lightly_edited_wire_copy_is_a_near_duplicate():
    assert is_near_duplicate(shingles(WIRE), shingles(EDITED))


def test_an_independent_report_sharing_a_sentence_is_not():
    assert not is_near_duplicate(shingles(WIRE), shingles(INDEPENDENT))
    assert not is_near_duplicate(shingles(WIRE), shingles(OTHER))


def test_a_short_excerpt_of_a_long_story_is_contained_in_it():
    excerpt = " ".join(WIRE.split()[:45])
    assert containment(shingles(excerpt), shingles(WIRE)) == 1.0
    assert is_near_duplicate(shingles(excerpt), shingles(WIRE))


def test_fingerprints_are_a_stable_sample_of_the_shingles():
    sample = fingerprints(shingles(WIRE))
    assert sample == fingerprints(shingles(WIRE))
    assert set(sample) <= shingles(WIRE)
    assert 0 < len(sample) < len(shingles(WIRE))
    assert all(0 <= value < 2**63 for value in sample)
