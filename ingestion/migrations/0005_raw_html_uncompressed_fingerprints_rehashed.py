"""Pages are kept uncompressed between fetch and extraction, and shingles get a cheaper hash.

Both were measured with bench/ingest.py: zlib cost more per article than writing the larger
row, and the new shingle hash halves the shingling time. Stored fingerprints are recomputed
with the new hash so that articles ingested before and after still find each other.
"""

import zlib

from django.db import migrations

CHUNK = 500


def forwards(apps, schema_editor):
    from ingestion import dedupe

    Article = apps.get_model("ingestion", "Article")
    ArticleFingerprint = apps.get_model("ingestion", "ArticleFingerprint")
    for pk, raw in Article.objects.exclude(raw_html=b"").values_list("pk", "raw_html").iterator(CHUNK):
        try:
            page = zlib.decompress(bytes(raw))
        except zlib.error:
            continue  # already plain
        Article.objects.filter(pk=pk).update(raw_html=page)

    ArticleFingerprint.objects.all().delete()
    rows = []
    texts = Article.objects.filter(status__in=["extracted", "annotated"]).exclude(text="")
    for pk, text in texts.values_list("pk", "text").iterator(CHUNK):
        rows.extend(
            ArticleFingerprint(article_id=pk, value=value)
            for value in dedupe.fingerprints(dedupe.shingles(text))
        )
        if len(rows) >= 20 * CHUNK:
            ArticleFingerprint.objects.bulk_create(rows, batch_size=CHUNK)
            rows = []
    ArticleFingerprint.objects.bulk_create(rows, batch_size=CHUNK)

    if schema_editor.connection.vendor == "postgresql":
        # HTML is kept minutes at most: do not spend CPU compressing it into TOAST.
        schema_editor.execute("ALTER TABLE ingestion_article ALTER COLUMN raw_html SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    dependencies = [("ingestion", "0004_beat_schedule")]

    # Not reversible into the old fingerprints (their hash is gone); going back keeps these.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
