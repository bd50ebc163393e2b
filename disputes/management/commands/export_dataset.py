import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disputes.site.dataset import dataset_export


class Command(BaseCommand):
    help = "Write a versioned, citable release of the confirmed data (CSV, JSON, data dictionary, SHA256SUMS)."

    def add_arguments(self, parser):
        parser.add_argument("--release", required=True, help="Release name, e.g. 2026.11 or v1.2.0")
        parser.add_argument("--output", required=True, help="Directory to write; created when missing")

    def handle(self, *args, release: str, output: str, **options):
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}", release):
            raise CommandError("A release name is letters, digits, dots, dashes and underscores.")
        out = Path(output)
        if out.exists() and any(out.iterdir()):
            raise CommandError(f"{out} is not empty: a release is written once, into a new directory.")
        result = dataset_export(release=release, output=out)
        counts = ", ".join(f"{n} {table}" for table, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Release {release} written to {out}: {counts}."))
