"""Migration 0003: accounts made before sign-up existed keep logging in by e-mail address
where verification is mandatory."""

import importlib

from allauth.account.models import EmailAddress
from django.apps import apps

from tests.factories import make_user

migration = importlib.import_module("planhub.accounts.migrations.0003_trust_existing_addresses")


def test_existing_addresses_become_verified_except_shared_ones(db):
    ann = make_user("ann")
    ann.email = "Ann@Example.com"
    ann.save()
    for name in ("twin1", "twin2"):
        twin = make_user(name)
        twin.email = "twins@example.com"
        twin.save()
    make_user("noaddress")
    kept = make_user("kept")
    kept.email = "kept@example.com"
    kept.save()
    EmailAddress.objects.create(user=kept, email="kept@example.com", verified=False, primary=True)

    migration.trust_existing_addresses(apps, None)

    rows = {(a.user.username, a.email, a.verified, a.primary) for a in EmailAddress.objects.all()}
    assert rows == {
        ("ann", "ann@example.com", True, True),
        ("kept", "kept@example.com", False, True),  # allauth's own row is left as it is
    }
