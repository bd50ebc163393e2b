"""Beat deletes near-copy fingerprints older than INGEST_NEAR_COPY_DAYS once a day (editable
in the admin under Periodic tasks)."""

from django.db import migrations

NAME = "Expire near-copy fingerprints"


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "ingestion.tasks.expire_fingerprints_task", "interval": interval, "enabled": True},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("ingestion", "0006_fetched_page_own_table")]

    operations = [migrations.RunPython(forwards, backwards)]
