"""When the records an indicator counts last changed, as a stamp kept in the cache: the
indicators app caches what it publishes under the stamps of its sources, and any write to a
source gives it a new stamp (after the write commits), so nothing stale is read. A source is a
name ("cases", "training"); a cache that lost the stamp simply starts a new one."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "measures:stamp:%s"


def stamp(source: str) -> str:
    found = cache.get(KEY % source)
    if found is None:
        found = uuid.uuid4().hex
        cache.add(KEY % source, found, None)
        found = cache.get(KEY % source, found)
    return str(found)


def changed(*sources: str) -> None:
    """Call on any write to a source's records that bypasses ``save`` (signals see the rest)."""
    transaction.on_commit(lambda: cache.delete_many([KEY % s for s in sources]))
