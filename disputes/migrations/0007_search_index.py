from django.db import migrations


def create(apps, schema_editor):
    from disputes.site.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


def drop(apps, schema_editor):
    from disputes.site.search import drop_search_index

    drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    """Full-text search: FTS5 tables with triggers on SQLite, GIN indexes on PostgreSQL."""

    dependencies = [
        ("disputes", "0006_page_indexes"),
        ("ingestion", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
