"""Khmer names' romanisations, kept per stored name (``Romanisation``) so search reads them
instead of running the transducer on the hot path."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from casebridge.lib.crypto import blind_index
from casebridge.lib.khmer import KHMER_RUN, romanise
from casebridge.people.models import Romanisation


def _key(run: str) -> int:
    return blind_index("km-latin", run)


def remember(names: Iterable[str]) -> None:
    """Keep the romanisations of the Khmer runs in ``names`` (when a record is written)."""
    runs = {match.group(0) for name in names for match in KHMER_RUN.finditer(name)}
    if not runs:
        return
    keys = {_key(run): run for run in runs}
    known = set(Romanisation.objects.filter(key__in=keys).values_list("key", flat=True))
    Romanisation.objects.bulk_create(
        [Romanisation(key=key, spellings=list(romanise(run))) for key, run in keys.items() if key not in known],  # type: ignore[misc]
        ignore_conflicts=True,
    )


@lru_cache(maxsize=65536)
def cached(run: str) -> tuple[str, ...]:
    """``romanise(run)``, read from the kept romanisations when a record has the name (a name no
    record has is romanised on the spot, and not kept: searching writes nothing)."""
    row = Romanisation.objects.filter(key=_key(run)).first()
    return tuple(row.spellings) if row is not None else romanise(run)
