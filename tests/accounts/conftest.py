import pytest
from django.db import transaction


@pytest.fixture(autouse=True)
def commits_run_their_callbacks(monkeypatch):
    """The outbox hands a mail to the worker once the transaction commits. Views run in
    autocommit, where that is at once; a test runs inside a transaction that never commits, so
    here the callback runs at once as well."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
