"""rotate_keys: every encrypted value ends up under the active key, resumably, and nothing is lost."""

from __future__ import annotations

import base64
import datetime
import re
import time
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Model

from casebridge.accounts.models import User
from casebridge.cases.actions import add_event
from casebridge.cases.models import Case, EventKind, TimelineEvent
from casebridge.consents.actions import do_record_consent
from casebridge.consents.models import ConsentRecord
from casebridge.keys.management.commands import rotate_keys
from casebridge.lib import crypto
from casebridge.lib.fields import encrypted_fields
from casebridge.lib.testing import World
from casebridge.people.actions import clean_identity, do_register_person
from casebridge.people.models import Person, Romanisation

UseKeyring = Callable[[crypto.Keyring], None]
MODELS: list[type[Model]] = [Person, Case, TimelineEvent, ConsentRecord, Romanisation]


@pytest.fixture
def filled(world: World) -> World:
    """The world with a value in every kind of encrypted column and a second person, so that a
    one-row batch leaves rows behind it."""
    case = world.case
    case.closure_note = "Closure note: reunited with her aunt in Battambang."
    case.save(update_fields=["closure_note"])
    add_event(case, actor=world.social_worker, kind=EventKind.NOTE, body="Home visit: she is back at school.")
    do_record_consent(
        case,
        actor=world.social_worker,
        purpose="services",
        decision="given",
        given_by="guardian",
        child_assent=True,
        decided_on=case.opened_on,
        language="khm",
        note="Explained in Khmer with her aunt present.",
    )
    identity = clean_identity({"given_name": "Dara", "family_name": "Chan", "phone": "+85511222333"})
    do_register_person(actor=world.social_worker, agency=world.agencies["JPC"], kind="family", identity=identity)
    survivor = Person.objects.get(pk=case.survivor_id)
    survivor.birth_date = datetime.date(2010, 3, 14)
    survivor.save(update_fields=["birth_date"])
    return world


def _raw(model: type[Model]) -> dict[tuple[str, str], str]:
    """Every non-null encrypted value of a table as stored, keyed by (row, column)."""
    fields = encrypted_fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        # Table and column names come from model metadata, not from input.
        cursor.execute(f"SELECT {quote(model._meta.pk.column)}, {columns} FROM {quote(model._meta.db_table)}")  # noqa: S608
        rows = cursor.fetchall()
    pk = model._meta.pk
    return {
        (str(pk.to_python(row[0])), f.column): value
        for row in rows
        for f, value in zip(fields, row[1:], strict=True)
        if value
    }


def _all_raw() -> dict[tuple[str, str, str], str]:
    return {(m._meta.label, *key): value for m in MODELS for key, value in _raw(m).items()}


def _plaintexts() -> dict[tuple[str, str, str], Any]:
    """Every encrypted value decrypted through the ORM (fresh instances, nothing cached)."""
    out = {}
    for model in MODELS:
        for obj in model._base_manager.all():
            for field in encrypted_fields(model):
                out[(model._meta.label, str(obj.pk), field.name)] = getattr(obj, field.name)
    return out


def _totp_tokens() -> dict[int, str]:
    return {a.pk: a.data["secret"] for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP)}


def _rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def _total(output: str) -> int:
    match = re.search(r"^Total: \d+ rows scanned, (\d+) values", output, re.MULTILINE)
    assert match, output
    return int(match[1])


def _code_is_accepted(user: User, secret: str) -> bool:
    # allauth remembers used codes in the cache; another test may have used this one.
    cache.clear()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)).validate_code(code)


def _without_key(ring: crypto.Keyring, kid: str) -> crypto.Keyring:
    keys = {k: v for k, v in ring.data_keys.items() if k != kid}
    return crypto.Keyring(active=ring.active, data_keys=keys, index_key=ring.index_key, audit_key=ring.audit_key)


def test_it_re_encrypts_every_value_under_the_new_key(filled: World, use_keyring: UseKeyring) -> None:
    old = crypto.keyring()
    before_raw, before_plain, before_totp = _all_raw(), _plaintexts(), _totp_tokens()
    assert {label for label, _, _ in before_raw} == {m._meta.label for m in MODELS}
    assert all(v.startswith(f"{old.active}:") for v in [*before_raw.values(), *before_totp.values()])
    new = crypto.add_data_key(old)
    use_keyring(new)

    output = _rotate()

    after_raw, after_totp = _all_raw(), _totp_tokens()
    assert after_raw.keys() == before_raw.keys()
    assert all(v.startswith(f"{new.active}:") for v in after_raw.values()), after_raw
    assert all(v.startswith(f"{new.active}:") for v in after_totp.values()), after_totp
    assert _total(output) == len(before_raw) + len(before_totp)
    assert f"people.Person: 2 rows scanned, {len(_raw(Person))} values re-encrypted" in output
    assert _plaintexts() == before_plain
    assert filled.case.survivor.given_name == "ស្រីពៅ"


def test_it_keeps_second_factors_working(filled: World, use_keyring: UseKeyring) -> None:
    new = crypto.add_data_key(crypto.keyring())
    use_keyring(new)
    _rotate()
    for username in ("police", "nurse"):
        authenticator = Authenticator.objects.get(user=filled.users[username], type=Authenticator.Type.TOTP)
        assert crypto.key_id_of(authenticator.data["secret"]) == new.active
        assert _code_is_accepted(filled.users[username], filled.totp_secrets[username])
    assert not _code_is_accepted(filled.police, filled.totp_secrets["nurse"])


def test_it_writes_nothing_when_run_again(filled: World, use_keyring: UseKeyring) -> None:
    use_keyring(crypto.add_data_key(crypto.keyring()))
    assert _total(_rotate()) > 0
    rotated, totp = _all_raw(), _totp_tokens()

    assert _total(_rotate()) == 0
    # A fresh nonce would change every stored string, so equality means nothing was rewritten.
    assert _all_raw() == rotated
    assert _totp_tokens() == totp


def test_it_continues_after_an_interruption(
    filled: World, use_keyring: UseKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = crypto.keyring()
    new = crypto.add_data_key(old)
    use_keyring(new)
    before = _all_raw()
    audited = []

    class Interrupted(Exception):
        pass

    def record_then_fail(*args: Any, **kwargs: Any) -> Any:
        # The second batch has written its rows when it records its audit event; failing here
        # shows that those writes roll back with it.
        audited.append(kwargs["reason"])
        if len(audited) == 2:
            raise Interrupted
        return real_record(*args, **kwargs)

    real_record = rotate_keys.record
    monkeypatch.setattr(rotate_keys, "record", record_then_fail)
    with pytest.raises(Interrupted):
        _rotate("--batch", "1")

    first = str(Person.objects.order_by("pk").values_list("pk", flat=True)[0])
    done = {key for key, value in _all_raw().items() if value.startswith(f"{new.active}:")}
    assert done and done == {key for key in before if key[:2] == (Person._meta.label, first)}
    assert all(_all_raw()[key] == before[key] for key in before.keys() - done)

    monkeypatch.setattr(rotate_keys, "record", real_record)
    output = _rotate("--batch", "1")
    assert _total(output) == len(before) - len(done) + len(_totp_tokens())
    assert all(v.startswith(f"{new.active}:") for v in _all_raw().values())
    assert _total(_rotate()) == 0


def test_it_leaves_nothing_needing_the_old_key(filled: World, use_keyring: UseKeyring) -> None:
    old = crypto.keyring()
    before = _plaintexts()
    new = crypto.add_data_key(old)

    # Without rotation, dropping the old key loses the data: the control for what follows.
    use_keyring(_without_key(new, old.active))
    with pytest.raises(crypto.DecryptionError, match="unknown key id"):
        _plaintexts()

    use_keyring(new)
    _rotate()
    use_keyring(_without_key(new, old.active))
    assert _plaintexts() == before
    assert _code_is_accepted(filled.lawyer, filled.totp_secrets["lawyer"])
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")


def _flip_a_byte(token: str) -> str:
    kid, _, body = token.partition(":")
    blob = bytearray(base64.b64decode(body))
    blob[-20] ^= 0x01
    return f"{kid}:{base64.b64encode(bytes(blob)).decode()}"


@pytest.mark.parametrize(
    ("corrupt", "problem"),
    [
        pytest.param(_flip_a_byte, "authentication failed", id="tampered"),
        pytest.param(lambda token: token.replace(":", "-", 1), "no key id", id="no-key-id"),
        pytest.param(lambda token: "k9" + token[token.index(":") :], "unknown key id", id="unknown-key"),
    ],
)
def test_it_stops_on_a_value_that_does_not_decrypt(
    filled: World, use_keyring: UseKeyring, corrupt: Callable[[str], str], problem: str
) -> None:
    new = crypto.add_data_key(crypto.keyring())
    use_keyring(new)
    survivor = filled.case.survivor
    quote = connection.ops.quote_name
    column = quote(Person._meta.get_field("phone").column)
    table = quote(Person._meta.db_table)
    pk = Person._meta.pk.get_db_prep_value(survivor.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [corrupt(cursor.fetchone()[0]), pk])  # noqa: S608

    with pytest.raises(CommandError, match=rf"people\.Person\.phone of row {survivor.pk}: .*{problem}"):
        _rotate()
    # The batch holding the bad row rolled back whole; nothing half-rotated is left in it.
    assert not any(v.startswith(f"{new.active}:") for key, v in _raw(Person).items() if key[0] == str(survivor.pk))


def test_it_counts_without_writing_on_a_dry_run(filled: World, use_keyring: UseKeyring) -> None:
    use_keyring(crypto.add_data_key(crypto.keyring()))
    before, totp = _all_raw(), _totp_tokens()
    output = _rotate("--dry-run")
    assert _total(output) == len(before) + len(totp)
    assert "would be re-encrypted" in output
    assert _all_raw() == before
    assert _totp_tokens() == totp


def test_it_refuses_an_empty_batch(db: None) -> None:
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        _rotate("--batch", "0")
