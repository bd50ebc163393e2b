from django.db.models.signals import post_migrate
from django.apps import AppConfig


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
