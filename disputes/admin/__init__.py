"""The curators' admin, a module per area. Importing them registers their ModelAdmins."""

from disputes.figures import admin as figures  # noqa: F401

from . import actors, disputes, evidence, facts  # noqa: F401
