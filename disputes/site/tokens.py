"""API tokens: made once, stored as a hash, checked on every API request."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.utils import timezone

from disputes.models import ApiToken

MAX_ACTIVE_TOKENS = 10


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for this user; the clear key is returned once and never stored."""
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValueError(f"At most {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
    key = "so_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100] or "token", prefix=key[:8], key_hash=_hash(key))
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of this user's tokens; False when it is not theirs or already revoked."""
    return bool(
        ApiToken.objects.active().filter(user=user, pk=token_id).update(revoked_at=timezone.now())
    )


def user_for_key(key: str):
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    # One write a minute at most, not one per request.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenMiddleware:
    """Signs in API requests that carry `Authorization: Bearer <token>`.

    A wrong or revoked token is a 401, never a silent fall back to anonymous.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header:
            scheme, _, key = header.partition(" ")
            user = user_for_key(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
            if user is None:
                return JsonResponse({"error": "Invalid or revoked API token."}, status=401)
            request.user = user
            request.api_token_user = True
        return self.get_response(request)


def export_limit(request) -> int:
    """How many rows one export or API page may carry for this visitor."""
    user = getattr(request, "user", AnonymousUser())
    return settings.EXPORT_LIMIT_USER if user.is_authenticated else settings.EXPORT_LIMIT_ANONYMOUS
