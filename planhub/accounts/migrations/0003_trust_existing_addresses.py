"""Accounts made before sign-up existed (by an administrator, `createsuperuser`, seed_demo) have
their address on the user row only: allauth would ask each of them to verify it at their next
log-in. The administrator set those addresses, so they are taken as verified."""

from django.conf import settings
from django.db import migrations


def trust_existing_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    from collections import Counter

    users = list(User.objects.exclude(email="").order_by("pk"))
    shared = {e for e, n in Counter(u.email.lower() for u in users).items() if n > 1}
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    known_users = set(EmailAddress.objects.values_list("user_id", flat=True))
    for user in users:
        email = user.email.lower()
        # Two accounts with one address: neither is taken as verified.
        if user.pk in known_users or email in taken or email in shared:
            continue
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)

class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(trust_existing_addresses, migrations.RunPython.noop)]
