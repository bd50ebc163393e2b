from django.core.management.base import BaseCommand
from django.db import transaction

from disputes import rollups


class Command(BaseCommand):
    help = "Recompute the per-country rollups from the data (after bulk loads, which send no signals)."

    def handle(self, *args, **options):
        with transaction.atomic():
            rollups.rebuild()
        self.stdout.write("Rollups rebuilt.")
