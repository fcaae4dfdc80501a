"""Create a key file, or add a new active data key to an existing one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.lib import crypto

KEY_FILE_MODE = 0o600


class Command(BaseCommand):
    """``generate_keys --file PATH``.

    A missing file is created (mode 0600) with one data key, a blind-index key and an audit key.
    An existing file gets a new data key, made active; the older data keys stay so that values
    encrypted under them still decrypt until ``rotate_keys`` has re-encrypted them. The blind-index
    and audit keys never change here: a new index key would orphan every search token and a new
    audit key would break the audit chain.
    """

    help = "Create a key file (mode 0600), or add a new data key to it and make that key active."
    # Runs before `migrate` on a fresh install and touches no database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", required=True, help="Path of the JSON key file.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Follow a symlink (e.g. to a mounted secret) so the link itself is not replaced by a file.
        path = Path(os.path.realpath(options["file"]))
        if not path.parent.is_dir():
            raise CommandError(f"The directory {path.parent} does not exist; create it first.")
        if path.exists():
            ring = self._add_key(path)
            self.stdout.write(f"Added data key {ring.active} to {path} and made it active.")
            self.stdout.write(
                "Next: restart every casebridge process so that it reads the new key, then run "
                f"`manage.py rotate_keys` to re-encrypt existing values under {ring.active}. "
                "Remove an old key from the file only after rotate_keys has finished."
            )
        else:
            ring = self._create(path)
            self.stdout.write(f"Wrote a new key file {path} (mode 0600); the active data key is {ring.active}.")
            self.stdout.write(
                f"Set CASEBRIDGE_KEY_FILE={path} and back the file up apart from the database: "
                "without it the encrypted data cannot be read. After adding a key later, run "
                "`manage.py rotate_keys`."
            )

    def _create(self, path: Path) -> crypto.Keyring:
        ring = crypto.new_keyring()
        try:
            # O_EXCL: never overwrite a key file that appeared since the check above.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_FILE_MODE)
        except FileExistsError:
            raise CommandError(f"{path} appeared while the keys were being generated; run the command again.") from None
        except OSError as exc:
            raise CommandError(f"Cannot create {path}: {exc.strerror}") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_directory(path.parent)
        return ring

    def _add_key(self, path: Path) -> crypto.Keyring:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read the key file {path}: {exc}") from None
        try:
            ring = crypto.add_data_key(crypto.Keyring.from_json(text, str(path)))
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc} Nothing was changed.") from None
        # Write a complete new file beside the old one and swap it in: a crash leaves either the
        # old keyring or the new one, never half a file (which would lose every key).
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, KEY_FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(ring.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, path)
        except OSError as exc:
            Path(temp_name).unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {exc.strerror}. Nothing was changed.") from None
        _fsync_directory(path.parent)
        return ring


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable, so a power cut cannot lose a file we reported written."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
