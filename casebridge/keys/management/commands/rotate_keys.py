"""Re-encrypt every encrypted value under the active data key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Model

from casebridge.audit.log import Item, record
from casebridge.audit.models import Action
from casebridge.lib import crypto
from casebridge.lib.fields import EncryptedField, encrypted_fields

# allauth keeps each second factor's secret encrypted (through our MFA adapter) in its JSON data.
MFA_SECRET_KEYS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}

# (pk, raw column values) -> (column updates, number of values re-encrypted)
RowRotation = Callable[[Any, Sequence[Any]], tuple[dict[str, Any], int]]


@dataclass
class Tally:
    label: str
    rows: int = 0
    values: int = 0


def encrypted_models() -> list[tuple[type[Model], list[EncryptedField]]]:
    """Each table with encrypted columns once, with the encrypted fields it defines."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed:
            continue  # not a table casebridge writes (a view, or someone else's)
        # A proxy or a multi-table child sees its parent's fields too; the parent rotates them.
        fields = [f for f in encrypted_fields(model) if f.model is model]
        if fields:
            found.append((model, fields))
    return found


def select_batch(model: type[Model], columns: Sequence[str], after: Any, size: int, *, lock: bool) -> list[Any]:
    """The next ``size`` rows after primary key ``after``, as (pk, *columns) tuples.

    Keyset pagination (pk > after) rather than OFFSET: each batch costs the same however far
    the walk has gone, and rows written meanwhile cannot shift the window."""
    rows = model._base_manager.order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    if lock:
        # A request saving the same row between our read and our write would otherwise be
        # overwritten with the older value (PostgreSQL; SQLite's BEGIN IMMEDIATE already
        # holds the write lock for the whole batch).
        rows = rows.select_for_update()
    return list(rows.values_list("pk", *columns)[:size])


class Command(BaseCommand):
    """``rotate_keys [--batch N] [--dry-run]``.

    Walks every table with encrypted fields, and allauth's second-factor secrets, in primary-key
    order, ``--batch`` rows per transaction, and re-encrypts each value whose key id is not the
    active one. Values already under the active key are skipped, so after an interruption the
    command is simply run again: finished batches stay finished and it continues where it
    stopped. A value that does not decrypt stops the command with its model, field and row; it is
    never skipped, because a run that "succeeds" around it would let the old key be deleted and
    the value lost for good.

    Every casebridge process must already run with the new key file (restart them after
    ``generate_keys``): a process still on the old keyring cannot read values under the new key.
    A request that loaded a row before its batch and saves it afterwards writes the old ciphertext
    back, which is harmless while the old key exists; so before an old key is deleted, a
    ``--dry-run`` reporting 0 values confirms nothing needs it any more.

    Each batch that re-encrypted something writes one audit event (actor "system").
    """

    help = "Re-encrypt every encrypted value (and second-factor secret) under the active data key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction (default 1000).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count (and decrypt) what would be re-encrypted; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.batch: int = options["batch"]
        self.dry_run: bool = options["dry_run"]
        if self.batch < 1:
            raise CommandError("--batch must be at least 1.")
        try:
            self.active = crypto.keyring().active
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        verb = "would be re-encrypted" if self.dry_run else "re-encrypted"
        self.stdout.write(f"Active key: {self.active}{' (dry run: nothing is written)' if self.dry_run else ''}")

        tallies = []
        for model, fields in encrypted_models():
            tally = self._walk(model, [f.attname for f in fields], self._field_rotation(model, fields))
            tallies.append(tally)
            self.stdout.write(f"{tally.label}: {tally.rows} rows scanned, {tally.values} values {verb}")
        tally = self._walk(Authenticator, ["type", "data"], self._rotate_mfa_secret)
        tallies.append(tally)
        self.stdout.write(f"{tally.label}: {tally.rows} rows scanned, {tally.values} values {verb}")

        rows = sum(t.rows for t in tallies)
        values = sum(t.values for t in tallies)
        self.stdout.write(f"Total: {rows} rows scanned, {values} values {verb} under {self.active}.")

    def _walk(self, model: type[Model], columns: list[str], rotate_row: RowRotation) -> Tally:
        tally = Tally(model._meta.label)
        after = None
        while True:
            # One transaction per batch: an interruption loses at most the batch in progress.
            with transaction.atomic():
                rows = select_batch(model, columns, after, self.batch, lock=not self.dry_run)
                if not rows:
                    return tally
                changed = 0
                for pk, *values in rows:
                    updates, count = rotate_row(pk, values)
                    if updates and not self.dry_run:
                        model._base_manager.filter(pk=pk).update(**updates)
                    changed += count
                if changed and not self.dry_run:
                    record(
                        None,
                        Action.UPDATE,
                        [Item("encryption_key", self.active)],
                        reason=(
                            f"rotate_keys re-encrypted {changed} values in {tally.label} "
                            f"rows {rows[0][0]} to {rows[-1][0]}"
                        ),
                    )
            tally.rows += len(rows)
            tally.values += changed
            after = rows[-1][0]

    def _field_rotation(self, model: type[Model], fields: list[EncryptedField]) -> RowRotation:
        def rotate(pk: Any, values: Sequence[Any]) -> tuple[dict[str, Any], int]:
            updates = {}
            for field, sealed in zip(fields, values, strict=True):
                if sealed is None or self._is_current(sealed, model, field.name, pk):
                    continue
                try:
                    plaintext = field.unseal(pk, sealed)
                except crypto.DecryptionError as exc:
                    raise self._failure(model, field.name, pk, exc) from None
                updates[field.attname] = field.seal(pk, plaintext, kid=self.active)
            return updates, len(updates)

        return rotate

    def _rotate_mfa_secret(self, pk: Any, values: Sequence[Any]) -> tuple[dict[str, Any], int]:
        kind, data = values
        key = MFA_SECRET_KEYS.get(kind)
        token = data.get(key) if key and isinstance(data, dict) else None
        if not token or self._is_current(token, Authenticator, f"data[{key!r}]", pk):
            return {}, 0
        adapter = get_mfa_adapter()
        try:
            secret = adapter.decrypt(token)
        except crypto.DecryptionError as exc:
            raise self._failure(Authenticator, f"data[{key!r}]", pk, exc) from None
        # The adapter encrypts under the process's active key, which is self.active.
        return {"data": {**data, key: adapter.encrypt(secret)}}, 1

    def _is_current(self, token: str, model: type[Model], field: str, pk: Any) -> bool:
        try:
            return crypto.key_id_of(token) == self.active
        except crypto.DecryptionError as exc:
            raise self._failure(model, field, pk, exc) from None

    def _failure(self, model: type[Model], field: str, pk: Any, exc: Exception) -> CommandError:
        return CommandError(
            f"Cannot decrypt {model._meta.label}.{field} of row {pk}: {exc}. "
            "This batch was rolled back (earlier batches are done). Restore the value or put its key back "
            "in the key file, then run rotate_keys again; nothing was skipped."
        )
