from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header on every response.

    Scripts only from our own origin: htmx is served from static files and the
    pages use no inline script or `hx-on` handlers, so none needs 'unsafe-inline'.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy on every response: Standoff uses none of the browser's
    powerful features, so no page (nor anything a page might embed) may ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
