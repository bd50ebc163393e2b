from django.core.management.base import BaseCommand

from disputes.demo import DEMO_FILE, demo_load


class Command(BaseCommand):
    help = "Load the demo disputes (real, public facts). Safe to run again: it adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE), help="A demo file in the same format.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has disputes."
        )

    def handle(self, *args, file, if_empty, **options):
        from disputes.models import Dispute

        if if_empty and Dispute.objects.exists():
            self.stdout.write("Disputes already present; demo data not loaded.")
            return
        summary = demo_load(path=file)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {summary.disputes_created} disputes and {summary.actors_created} actors added, "
                f"{summary.disputes_present} disputes already present."
            )
        )
