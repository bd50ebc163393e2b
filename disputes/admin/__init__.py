"""The curators' admin, a module per area. Importing them registers their ModelAdmins."""

from . import actors, disputes, evidence, facts, figures  # noqa: F401
