"""Every admin page renders for those allowed and for nobody else."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import reverse

from disputes.roles import CURATOR_PERMISSIONS
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    DemandFactory,
    EventFactory,
    EvidenceFactory,
    OutcomeFactory,
    PartyFactory,
    PenaltyFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    demand = DemandFactory()
    DemandFactory(dispute__review_state="candidate", review_state="candidate")
    PenaltyFactory(demand=demand)
    OutcomeFactory(dispute=demand.dispute, demand=demand)
    EventFactory(dispute=demand.dispute)
    EvidenceFactory(dispute=demand.dispute, demand=demand)
    PartyFactory(dispute=demand.dispute)
    ActorFactory().aliases.create(name="MeitY")
    SourceFactory()
    ArticleFactory()
    return demand


def _curated_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.model_name in CURATOR_PERMISSIONS.get(model._meta.app_label, {})
    ]


def _urls(model, user=None):
    opts = model._meta
    urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    request = RequestFactory().get("/")
    request.user = user or User.objects.filter(is_superuser=True).first() or User(is_superuser=True)
    obj = admin.site._registry[model].get_queryset(request).first()
    if obj is not None:
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
    return urls


def test_every_page_of_every_model_renders_for_a_superuser(admin_client, admin_user, rf, data):
    request = rf.get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        urls = _urls(model)
        opts = model._meta
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        for url in urls:
            assert admin_client.get(url, follow=True).status_code == 200, url


def test_curators_reach_changelist_add_and_change_pages_of_curated_models(curator_client, data):
    models = _curated_models()
    assert len(models) >= 10
    for model in models:
        urls = _urls(model)
        opts = model._meta
        actions = CURATOR_PERMISSIONS[opts.app_label][opts.model_name]
        if "add" in actions:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        for url in urls:
            assert curator_client.get(url, follow=True).status_code == 200, url


def test_curators_cannot_administer_users(curator_client):
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:auth_group_changelist")).status_code == 403


@pytest.mark.parametrize("persona", ["anonymous", "researcher", "staff_without_role"])
def test_the_admin_refuses_everyone_else(client, request, persona, data):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for model in _curated_models():
        urls = _urls(model)
        for url in urls:
            response = client.get(url)
            if persona == "staff_without_role":
                assert response.status_code == 403, url
            else:
                assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_a_curator_can_confirm_a_candidate_dispute(curator_client):
    demand = DemandFactory(dispute__review_state="candidate", review_state="candidate")
    dispute = demand.dispute
    response = curator_client.post(
        reverse("admin:disputes_dispute_changelist"),
        {"action": "accept_selected", "_selected_action": [dispute.pk]},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.review_state == "confirmed"
    assert dispute.history.first().history_user.username == "carol"


def test_staff_without_the_role_cannot_run_review_actions(client, staff_without_role):
    demand = DemandFactory(dispute__review_state="candidate")
    client.force_login(staff_without_role)
    response = client.post(
        reverse("admin:disputes_dispute_changelist"),
        {"action": "accept_selected", "_selected_action": [demand.dispute.pk]},
    )
    assert response.status_code == 403
    demand.dispute.refresh_from_db()
    assert demand.dispute.review_state == "candidate"


def test_a_curator_sees_the_reports_to_review_and_accepts_one(curator_client, curator):
    from disputes.models import Evidence

    dispute = DemandFactory().dispute
    reports = [EvidenceFactory(dispute=dispute, article=ArticleFactory(), review_state="candidate") for _ in range(3)]
    EvidenceFactory(dispute=dispute)  # accepted already
    page = curator_client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert "3 new reports to review" in page
    listing = curator_client.get(
        reverse("admin:disputes_evidence_changelist") + f"?dispute__id__exact={dispute.pk}&review_state__exact=candidate"
    )
    assert listing.status_code == 200 and len(listing.context["cl"].result_list) == 3

    changelist = reverse("admin:disputes_evidence_changelist")
    curator_client.post(changelist, {"action": "confirm_selected", "_selected_action": [reports[0].pk]})
    curator_client.post(changelist, {"action": "reject_selected", "_selected_action": [reports[1].pk]})
    states = dict(Evidence.objects.filter(pk__in=[r.pk for r in reports]).values_list("pk", "review_state"))
    assert states == {reports[0].pk: "confirmed", reports[1].pk: "rejected", reports[2].pk: "candidate"}
    assert reports[0].history.latest().history_user == curator
    assert list(Evidence.objects.public().filter(pk__in=[r.pk for r in reports])) == [reports[0]]
    page = curator_client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert "1 new report to review" in page


def test_reviewing_reports_needs_the_change_permission(client, staff_without_role):
    from disputes.models import Evidence

    report = EvidenceFactory(article=ArticleFactory(), review_state="candidate")
    client.force_login(staff_without_role)
    client.post(reverse("admin:disputes_evidence_changelist"),
                {"action": "confirm_selected", "_selected_action": [report.pk]})
    assert Evidence.objects.get(pk=report.pk).review_state == "candidate"
