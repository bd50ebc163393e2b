import json
from io import StringIO

import pytest
from django.core.management import call_command

from ingestion.models import Article, IngestRun, Source

pytestmark = pytest.mark.django_db


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(n: int, **overrides) -> str:
    data = {
        "id": f"rec-{n}", "url": f"https://news.example/{n}", "outlet": "news.example",
        "published": "2021-02-04", "title": f"Title {n}",
        "text": f"Record {n}: the regulator ordered platform number {n} to act on {n * 7} posts.",
        "language": "en",
    }
    data.update(overrides)
    return json.dumps(data)


def run_command(*args) -> str:
    out = StringIO()
    call_command("ingest_corpus", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_broken_line_is_reported_by_number_and_the_rest_imported(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [
        record(1),
        '{"id": "rec-2", "text": "unterminated',
        record(3),
        record(4, text=""),
        record(5, published="June 1023"),
        record(6, url="ftp://x/y"),
        "[1, 2]",
    ])
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == 2
    assert "new:        2" in output
    assert "rejected:   5" in output
    assert "line 2: invalid JSON" in output
    assert "line 4: missing or empty 'text'" in output
    assert "line 5: 'published' is not a YYYY-MM-DD date" in output
    assert "line 6: not an http(s) URL" in output
    assert "line 7: expected a JSON object" in output
    run = IngestRun.objects.get(kind="corpus")
    assert set(run.problems) == {"line 2", "line 4", "line 5", "line 6", "line 7"}


def test_running_twice_adds_nothing(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [record(1), record(2), record(3, url=None)])
    run_command(str(path), "--sync")
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == 3
    assert "new:        0" in output and "duplicate:  3" in output
    assert Source.objects.filter(kind=Source.Kind.JSONL).count() == 1


def test_a_record_without_url_is_keyed_by_its_content(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [
        record(1, url=None, id="seed"),
        record(1, url=None, id="seed-again"),  # same text, other id: the same article
    ])
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == 1
    assert "duplicate:  1" in output


def test_queued_mode_hands_articles_to_the_extract_task(tmp_path, django_capture_on_commit_callbacks):
    path = write_jsonl(tmp_path / "c.jsonl", [record(1), record(2)])
    with django_capture_on_commit_callbacks() as callbacks:
        output = run_command(str(path))
    assert len(callbacks) == 1  # one extract_articles_task for the batch of two new articles
    assert set(Article.objects.values_list("status", flat=True)) == {"fetched"}
    assert "queued:     2" in output


def test_the_dev_corpus_is_imported_with_its_duplicate_groups(dev_corpus, shared_dir):
    path = shared_dir / "corpus" / "dev.jsonl"
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == len(dev_corpus) == 68
    # --sync runs the same chain in this process: extraction, then annotation.
    assert Article.objects.filter(status="annotated").count() == 68
    from disputes.models import Dispute

    assert Dispute.objects.candidates().filter(evidence__article__isnull=False).exists()
    assert "clustered:  6" in output
    assert "failed:     0" in output
    by_id = dict(Article.objects.values_list("external_id", "cluster_id"))
    groups: dict[str, set] = {}
    for item in dev_corpus:
        if item["duplicate_group"]:
            groups.setdefault(item["duplicate_group"], set()).add(by_id[item["id"]])
    assert all(len(clusters) == 1 and None not in clusters for clusters in groups.values())
    assert len({next(iter(c)) for c in groups.values()}) == 2
    assert "new:        0" in run_command(str(path), "--sync")


def test_a_line_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(record(1).encode() + b"\n" + b'{"id": "x", "text": "caf\xe9"}\n' + record(3).encode() + b"\n")
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == 2
    assert "line 2: invalid JSON: 'utf-8' codec can't decode" in output


def test_a_missing_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a file"):
        run_command(str(tmp_path / "nope.jsonl"))


def test_an_oversized_record_is_rejected_and_the_rest_imported(tmp_path, settings):
    settings.INGEST_MAX_RECORD_BYTES = 2000
    path = tmp_path / "c.jsonl"
    huge = '{"id": "big", "text": "' + "x" * 5000 + '"}'
    path.write_text(record(1) + "\n" + huge + "\n" + record(3) + "\n")
    output = run_command(str(path), "--sync")
    assert Article.objects.count() == 2
    assert "line 2: record longer than 2,000 bytes" in output
