from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The researcher pages. An app of its own (no models) so that its templatetags load."""

    name = "disputes.site"
    label = "site"
    verbose_name = "Researcher site"
