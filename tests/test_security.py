"""Headers, login throttling, required login, and escaping of hostile text."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, DisputeFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def test_every_response_carries_a_content_security_policy(client, admin_client):
    for response in (client.get(reverse("disputes:list")), admin_client.get(reverse("admin:index"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_repeated_failed_logins_lock_the_account(client, django_user_model):
    django_user_model.objects.create_user("rita", password="right-password-123")
    for _ in range(5):
        client.post(reverse("login"), {"username": "rita", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "rita", "password": "right-password-123"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_good_login_works(client, django_user_model):
    django_user_model.objects.create_user("rita", password="right-password-123")
    response = client.post(reverse("login"), {"username": "rita", "password": "right-password-123"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_setting_can_require_login_everywhere(client, settings, researcher):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:6],
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        *settings.MIDDLEWARE[6:],
    ]
    response = client.get(reverse("disputes:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("login")).status_code == 200
    client.force_login(researcher)
    assert client.get(reverse("disputes:list")).status_code == 200


def test_hostile_article_text_is_escaped_in_the_admin(admin_client):
    article = ArticleFactory(title=HOSTILE, text=HOSTILE, outlet=HOSTILE)
    dispute = DisputeFactory(title=HOSTILE)
    EvidenceFactory(dispute=dispute, article=article, quote=HOSTILE, note=HOSTILE)
    pages = [
        reverse("admin:ingestion_article_changelist"),
        reverse("admin:ingestion_article_change", args=[article.pk]),
        reverse("admin:disputes_dispute_changelist"),
        reverse("admin:disputes_dispute_change", args=[dispute.pk]),
        reverse("admin:disputes_evidence_changelist"),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in html, url
        assert 'onerror="alert(1)"' not in html, url
