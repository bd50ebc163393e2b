from django.core.management.base import BaseCommand

from ingestion.annotating import articles_annotate, outdated_article_ids
from ingestion.annotation.nlp import PIPELINE_VERSION
from ingestion.models import Article


class Command(BaseCommand):
    help = "Annotate again the articles annotated by an older pipeline version (or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every article with text, whatever its version.")
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args, all: bool, batch_size: int, **options):
        if all:
            ids = list(Article.objects.exclude(text="").order_by("pk").values_list("pk", flat=True))
        else:
            ids = list(outdated_article_ids(PIPELINE_VERSION))
        done = 0
        for start in range(0, len(ids), batch_size):
            done += len(articles_annotate(article_ids=ids[start : start + batch_size]))
            self.stdout.write(f"\r{done}/{len(ids)} annotated", ending="")
        self.stdout.write(f"\n{done} articles annotated with {PIPELINE_VERSION}.")
