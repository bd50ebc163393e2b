import pytest
from django.urls import reverse

from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db


def test_a_change_in_the_admin_is_kept_with_who_and_when(curator_client):
    demand = DemandFactory(accounts_targeted=1000)
    url = reverse("admin:disputes_demand_change", args=[demand.pk])
    page = curator_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "dispute": demand.dispute.pk,
            "date": "2021-02-04",
            "accounts_targeted": 1178,
            "penalties-TOTAL_FORMS": 0,
            "penalties-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        }
    )
    data.pop("deadline", None)
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    latest = demand.history.first()
    assert latest.accounts_targeted == 1178
    assert latest.history_user.username == "carol"
    assert latest.history_date is not None
    assert demand.history.count() == 2
    history_page = curator_client.get(reverse("admin:disputes_demand_history", args=[demand.pk]))
    assert b"carol" in history_page.content


def test_a_curator_reverts_a_change_from_the_history(curator_client):
    from disputes.models import Dispute
    from disputes.services import review_set_state
    from tests.factories import DisputeFactory

    dispute = DisputeFactory(title="India and Twitter", review_state="candidate")
    review_set_state(records=[dispute], state="rejected", reason="Looked like a duplicate")
    original = dispute.history.earliest()
    url = reverse("admin:disputes_dispute_simple_history", args=[dispute.pk, original.history_id])
    page = curator_client.get(url)
    assert page.status_code == 200 and b"Revert" in page.content

    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["topics"] = []
    for formset in page.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
        for inline_form in formset.formset.forms:
            data.update({inline_form.add_prefix(k): inline_form[k].value() for k in inline_form.fields
                         if inline_form[k].value() is not None})
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.review_state == "candidate"
    assert dispute.history.first().history_user.username == "carol"
