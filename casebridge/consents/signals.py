"""A consent decision recorded: capabilities that act on a purpose's consent (the prosecution's
hearings, on consent to take part) listen here, inside the transaction that records it."""

from django.dispatch import Signal

# Sent with ``consent`` (the ConsentRecord), ``case`` and ``actor``.
consent_recorded = Signal()
