"""The Curators group and exactly the permissions curation needs."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CURATORS = "Curators"

# app label -> model -> actions. Curators never delete a dispute or an actor
# (they reject or merge them); they may delete the parts edited inline.
CURATOR_PERMISSIONS = {
    "disputes": {
        "actor": ["view", "add", "change", "merge"],
        "actoralias": ["view", "add", "change", "delete"],
        "dispute": ["view", "add", "change", "merge"],
        "disputeparty": ["view", "add", "change", "delete"],
        "demand": ["view", "add", "change", "delete"],
        "penalty": ["view", "add", "change", "delete"],
        "outcome": ["view", "add", "change", "delete"],
        "event": ["view", "add", "change", "delete"],
        "evidence": ["view", "add", "change", "delete"],
        "topic": ["view"],
        # Imported figures are read-only; curators link STOP events to disputes.
        "platformreport": ["view"],
        "shutdownevent": ["view", "change"],
    },
    "ingestion": {
        "source": ["view", "add", "change"],
        "article": ["view"],
        "storycluster": ["view"],
        "ingestrun": ["view"],
    },
}


def curator_codenames() -> list[tuple[str, str]]:
    return [
        (app_label, f"{action}_{model}")
        for app_label, models in CURATOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]


def ensure_roles(sender=None, apps=global_apps, verbosity=1, **kwargs):
    """Create or refresh the Curators group; safe to run any number of times."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # post_migrate reaches apps one by one; make sure every app's permissions
    # exist before the group refers to them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)

    wanted = curator_codenames()
    found = Permission.objects.filter(
        content_type__app_label__in=CURATOR_PERMISSIONS, codename__in=[c for _, c in wanted]
    ).select_related("content_type")
    perms = [p for p in found if (p.content_type.app_label, p.codename) in set(wanted)]
    group, _ = Group.objects.get_or_create(name=CURATORS)
    group.permissions.set(perms)
