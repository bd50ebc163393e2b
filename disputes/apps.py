from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


def _ensure_search_index(sender, using, **kwargs):
    from django.db import connections

    from .search import ensure_search_index

    ensure_search_index(connections[using])


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"

    def ready(self):
        from .roles import ensure_roles

        # After every migrate, so that new models' permissions reach the group.
        post_migrate.connect(ensure_roles, dispatch_uid="disputes.ensure_roles")
        # After every migrate: a table rebuilt by a later migration loses its search triggers.
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="disputes.search_index")

        from django.core.signals import request_finished, request_started

        from . import caching
        from .caching import bump_data_version

        request_started.connect(caching.request_started, dispatch_uid="disputes.caching.request_started")
        request_finished.connect(caching.request_finished, dispatch_uid="disputes.caching.request_finished")

        # A change to the domain makes cached figures and charts stale. Connected per model, not
        # to every sender: a receiver for all models would also make every delete elsewhere
        # (ingestion's fetched pages) load its rows first to send them the signal.
        for model in self.get_models():
            for signal in (post_save, post_delete):
                signal.connect(bump_data_version, sender=model,
                               dispatch_uid=f"disputes.caching.{model._meta.model_name}.{signal}")
        m2m_changed.connect(bump_data_version, dispatch_uid="disputes.caching.m2m")

        from simple_history.signals import pre_create_historical_record

        from .decisions import stamp_history

        # Every history row written during a curator decision names it, so that it can be reverted whole.
        pre_create_historical_record.connect(stamp_history, dispatch_uid="disputes.decisions.stamp_history")

        from . import rollups

        # Country figures are summed per dispute: a change refreshes its dispute's share.
        for name in ("Dispute", "Demand", "Outcome", "DisputeParty"):
            model = self.get_model(name)
            for signal in (post_save, post_delete):
                signal.connect(rollups.on_change, sender=model, dispatch_uid=f"disputes.rollups.{name}.{signal}")
