"""The status API shows the project's ledger head: an anchor an auditor can write down."""

from planhub.ledger.chain import Action, append, head
from planhub.ledger.models import LedgerEntry

from .conftest import status_url


def test_the_api_shows_the_ledger_head(client, owner, plan):
    client.force_login(owner)
    data = client.get(status_url(plan)).json()
    newest = LedgerEntry.objects.filter(project_id=plan.project_id).order_by("seq").last()
    assert data["ledger"] == {"head": newest.hash, "entries": newest.seq}
    assert len(data["ledger"]["head"]) == 64


def test_the_head_moves_with_every_entry(client, owner, plan):
    client.force_login(owner)
    before = client.get(status_url(plan)).json()["ledger"]
    append(project_id=plan.project_id, action=Action.SETTINGS, actor=owner)
    after = client.get(status_url(plan)).json()["ledger"]
    assert after["entries"] == before["entries"] + 1
    assert after["head"] == head(plan.project_id) != before["head"]
