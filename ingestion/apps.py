from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "ingestion"
    verbose_name = "Ingestion"

    def ready(self):
        # Registers the step tasks, which the pipeline sends by name (ingestion.pipeline.STEPS).
        from ingestion import tasks  # noqa: F401
