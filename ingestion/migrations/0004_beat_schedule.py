"""Foundation sources of kind "feed" become RSS; the beat schedule is created in the database,
where curators can see and edit it in the admin (django-celery-beat)."""

import json

from django.db import migrations

SCHEDULE = [
    # (name, task, every N minutes, kwargs)
    ("Poll due feeds", "ingestion.tasks.poll_due_sources_task", 1, {}),
    ("Re-queue stalled articles", "ingestion.tasks.recover_stalled_articles_task", 15, {"minutes": 30}),
]


def forwards(apps, schema_editor):
    Source = apps.get_model("ingestion", "Source")
    Source.objects.filter(kind="feed").update(kind="rss")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes, kwargs in SCHEDULE:
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": task, "interval": interval, "kwargs": json.dumps(kwargs), "enabled": True},
        )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULE]).delete()
    apps.get_model("ingestion", "Source").objects.filter(kind="rss").update(kind="feed")


class Migration(migrations.Migration):
    dependencies = [
        ("ingestion", "0003_sources_articles_pipeline"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
