"""python manage.py load_sources [--if-empty]: add the default public feeds."""

from django.core.management.base import BaseCommand

from ingestion.models import Source

# Public feeds covering platform regulation, censorship and internet freedom. Offline they fail
# politely: each is recorded as failing and backs off.
DEFAULT_FEEDS = [
    ("EFF Deeplinks", "https://www.eff.org/rss/updates.xml"),
    ("Access Now", "https://www.accessnow.org/feed/"),
    ("Global Voices Advox", "https://advox.globalvoices.org/feed/"),
    ("Rest of World", "https://restofworld.org/feed/latest/"),
    ("Techdirt", "https://www.techdirt.com/feed/"),
    ("Tech Policy Press", "https://www.techpolicy.press/rss/"),
    ("The Verge – Policy", "https://www.theverge.com/rss/policy/index.xml", "atom"),
    ("Committee to Protect Journalists", "https://cpj.org/feed/"),
    ("ARTICLE 19", "https://www.article19.org/feed/"),
    ("Internet Society Pulse", "https://pulse.internetsociety.org/feed"),
]


class Command(BaseCommand):
    help = "Add the default public feeds as sources (existing ones are left alone)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only when there are no feeds yet.")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Source.objects.feeds().exists():
            self.stdout.write("Feeds exist already; nothing to do.")
            return
        added = 0
        for name, url, *kind in DEFAULT_FEEDS:
            _, created = Source.objects.get_or_create(
                url=url, defaults={"name": name, "kind": kind[0] if kind else Source.Kind.RSS, "language": "en"}
            )
            added += created
        self.stdout.write(f"Added {added} feed(s); {len(DEFAULT_FEEDS) - added} were there already.")
