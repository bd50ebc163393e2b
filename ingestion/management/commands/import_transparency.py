"""python manage.py import_transparency SOURCE PATH"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from disputes.figures.common import SOURCES, SourceFormatError
from disputes.figures.importer import import_transparency


class Command(BaseCommand):
    help = (
        "Import a platform transparency report (google, meta, twitter) or Access Now's "
        "#KeepItOn STOP dataset (stop) from a file or a folder of that source's files, as "
        "published. Re-importing updates rows in place and records revised figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=SOURCES)
        parser.add_argument("path", help="A CSV file, or a folder of them (searched recursively).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, source, path, no_progress=False, **options):
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="rows", desc=f"import {source}", file=self.stderr._out,
                           disable=no_progress or options["verbosity"] == 0)
            bar.update(done - bar.n)

        try:
            summary = import_transparency(source=source, path=path, progress=progress)
        except (OSError, UnicodeDecodeError, SourceFormatError) as exc:
            raise CommandError(f"cannot import {source} from {path}: {exc}") from exc
        finally:
            if bar is not None:
                bar.close()
        for line in summary.lines():
            self.stdout.write(line)
        if summary.errors:
            self.stdout.write(self.style.WARNING(
                f"{len(summary.errors)} bad row(s) reported above; the other rows were imported."
            ))
