from django.apps import AppConfig, apps
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


def _ensure_search_index(sender, using, **kwargs):
    from .search import ensure_search_index  # reads models: not importable before they load

    ensure_search_index(connections[using])


class SiteConfig(AppConfig):
    """The researcher pages. An app of its own (no models) so that its templatetags load;
    it watches the domain's models to keep its cache and search index current."""

    name = "disputes.site"
    label = "site"
    verbose_name = "Researcher site"

    def ready(self):
        # Imported here, not at the top: they read models, which load after app configs.
        from disputes.figures.importer import figures_imported

        from . import caching

        domain = apps.get_app_config("disputes")
        # After every migrate: a table rebuilt by a later migration loses its search triggers.
        post_migrate.connect(_ensure_search_index, sender=domain, dispatch_uid="disputes.search_index")

        request_started.connect(caching.request_started, dispatch_uid="disputes.caching.request_started")
        request_finished.connect(caching.request_finished, dispatch_uid="disputes.caching.request_finished")

        # A change to the domain makes cached figures and charts stale. Connected per model, not
        # to every sender: a receiver for all models would also make every delete elsewhere
        # (ingestion's fetched pages) load its rows first to send them the signal.
        for model in domain.get_models():
            for signal in (post_save, post_delete):
                signal.connect(caching.bump_data_version, sender=model,
                               dispatch_uid=f"disputes.caching.{model._meta.model_name}.{signal}")
        m2m_changed.connect(caching.bump_data_version, dispatch_uid="disputes.caching.m2m")
        # Imports write in bulk, which sends no model signals.
        figures_imported.connect(caching.figures_changed, dispatch_uid="disputes.caching.figures")
