from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "planhub.ledger"
    label = "ledger"
    verbose_name = "Audit ledger"
