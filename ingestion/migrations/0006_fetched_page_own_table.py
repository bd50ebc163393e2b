"""Fetched pages, with their charset, move from columns of Article to their own table (see FetchedPage)."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 200


def move_pages(apps, schema_editor):
    Article = apps.get_model("ingestion", "Article")
    FetchedPage = apps.get_model("ingestion", "FetchedPage")
    waiting = Article.objects.exclude(raw_html=b"").values_list("pk", "raw_html", "http_charset", "final_url")
    pages = []
    for pk, html, charset, final_url in waiting.iterator(CHUNK):
        pages.append(FetchedPage(article_id=pk, html=bytes(html), charset=charset, final_url=final_url))
        if len(pages) >= CHUNK:
            FetchedPage.objects.bulk_create(pages)
            pages = []
    FetchedPage.objects.bulk_create(pages)
    if schema_editor.connection.vendor == "postgresql":
        # A page is kept minutes at most: do not spend CPU compressing it into TOAST.
        schema_editor.execute("ALTER TABLE ingestion_fetchedpage ALTER COLUMN html SET STORAGE EXTERNAL")


def move_pages_back(apps, schema_editor):
    Article = apps.get_model("ingestion", "Article")
    FetchedPage = apps.get_model("ingestion", "FetchedPage")
    pages = FetchedPage.objects.values_list("article_id", "html", "charset")
    for pk, html, charset in pages.iterator(CHUNK):
        Article.objects.filter(pk=pk).update(raw_html=html, http_charset=charset)


class Migration(migrations.Migration):
    dependencies = [("ingestion", "0005_raw_html_uncompressed_fingerprints_rehashed")]

    operations = [
        migrations.CreateModel(
            name="FetchedPage",
            fields=[
                ("article", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                 related_name="page", serialize=False, to="ingestion.article")),
                ("html", models.BinaryField()),
                ("charset", models.CharField(blank=True, help_text="From the Content-Type header.", max_length=40)),
                ("final_url", models.CharField(blank=True, help_text="After redirects.", max_length=2000)),
            ],
        ),
        migrations.RunPython(move_pages, move_pages_back),
        migrations.RemoveField(model_name="article", name="raw_html"),
        migrations.RemoveField(model_name="article", name="http_charset"),
    ]
