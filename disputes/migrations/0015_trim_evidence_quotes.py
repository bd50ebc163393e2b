"""Quotes are stored trimmed, with offsets that slice the article to them exactly.

The annotator used to quote whole sentences with the whitespace around them and, at the
start of many corpus texts, the index's " date YYYY-MM-DD" line. Forms strip what they
submit, so such evidence could not be saved back unchanged. The rules are copied here
(a migration must not change when the code does).
"""

import re

from django.db import migrations

_DATE_LINE = re.compile(r"\s*date\s+\d{4}-\d{2}-\d{2}\b\s*")
_BATCH = 500


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    if not text[:start].strip():  # the date line only ever opens a text
        date_line = _DATE_LINE.match(piece)
        if date_line and piece[date_line.end():].strip():
            lead = date_line.end()
    return start + lead, start + lead + len(piece[lead:].strip())


def trim_quotes(apps, schema_editor):
    Evidence = apps.get_model("disputes", "Evidence")
    changed = []
    for evidence in Evidence.objects.exclude(quote="").select_related("article").iterator(chunk_size=_BATCH):
        text = evidence.article.text if evidence.article_id else None
        start, end = evidence.quote_start, evidence.quote_end
        if text is not None and start is not None and end is not None and text[start:end] == evidence.quote:
            start, end = _trimmed(text, start, end)
            quote = text[start:end]
        else:
            quote = evidence.quote.strip()
        if (quote, start, end) != (evidence.quote, evidence.quote_start, evidence.quote_end):
            evidence.quote, evidence.quote_start, evidence.quote_end = quote, start, end
            changed.append(evidence)
    Evidence.objects.bulk_update(changed, ["quote", "quote_start", "quote_end"], batch_size=_BATCH)

    # Facts the annotator drafted from a quote carry its whitespace and date line too.
    for model, field in (("Outcome", "details"), ("Penalty", "description")):
        Model = apps.get_model("disputes", model)
        rows = []
        for row in Model.objects.exclude(**{field: ""}).only("pk", field).iterator(chunk_size=_BATCH):
            value = getattr(row, field)
            start, end = _trimmed(value, 0, len(value))
            if value[start:end] != value:
                setattr(row, field, value[start:end])
                rows.append(row)
        Model.objects.bulk_update(rows, [field], batch_size=_BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("disputes", "0014_evidence_decision_history"),
        ("ingestion", "0005_raw_html_uncompressed_fingerprints_rehashed"),
    ]

    operations = [migrations.RunPython(trim_quotes, migrations.RunPython.noop)]
