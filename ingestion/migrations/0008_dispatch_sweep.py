"""Articles record until when their next step's message is believed in flight, and beat runs
the dispatch sweep every 30 seconds instead of the stalled-article recovery every 15 minutes:
a broker outage no longer strands articles for half an hour (editable under Periodic tasks)."""

import json

from django.db import migrations, models

SWEEP = "Re-send articles due a step"
RECOVERY = ("Re-queue stalled articles", "ingestion.tasks.recover_stalled_articles_task", 15, {"minutes": 30})


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task=RECOVERY[1]).delete()
    interval, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=SWEEP,
        defaults={"task": "ingestion.tasks.dispatch_due_articles_task", "interval": interval, "enabled": True},
    )


def backwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SWEEP).delete()
    name, task, minutes, kwargs = RECOVERY
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "interval": interval, "kwargs": json.dumps(kwargs), "enabled": True}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ingestion", "0007_expire_fingerprints_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="ingestion_article_stall_idx"),
        migrations.AddField(
            model_name="article",
            name="queued_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "queued_until"], name="ingestion_article_due_idx"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
