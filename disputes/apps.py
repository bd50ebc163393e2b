from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"

    def ready(self):
        from .roles import ensure_roles

        # After every migrate, so that new models' permissions reach the group.
        post_migrate.connect(ensure_roles, dispatch_uid="disputes.ensure_roles")

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
