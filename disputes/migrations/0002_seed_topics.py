from django.db import migrations

TOPICS = [
    ("elections", "Elections"),
    ("protests", "Protests"),
    ("national_security", "National security"),
    ("misinformation", "Misinformation"),
    ("hate_speech", "Hate speech"),
    ("religion", "Religion"),
    ("covid19", "COVID-19"),
    ("privacy", "Privacy"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("disputes", "Topic")
    for slug, name in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
