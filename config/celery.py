import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("standoff")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(ignore_result=True)
def heartbeat_task():
    """Sent by beat every 30 s; /health/ reads when beat last sent it."""
