from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"

    def ready(self):
        from .roles import ensure_roles

        # After every migrate, so that new models' permissions reach the group.
        post_migrate.connect(ensure_roles, dispatch_uid="disputes.ensure_roles")
