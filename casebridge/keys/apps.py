from django.apps import AppConfig


class KeysConfig(AppConfig):
    """Key management commands (``generate_keys``, ``rotate_keys``); no models."""

    name = "casebridge.keys"
    label = "keys"
