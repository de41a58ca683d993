"""Staff accounts of the browser console: names with Argon2id password hashes, kept in the `staff` table.

Hashing costs tens of milliseconds and much memory on purpose, so it runs in a thread (the loop keeps
answering visitors meanwhile).
"""

from __future__ import annotations

import asyncio
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.storage import Store, now

NAME = re.compile(
    r"^[\w.\-]{1,40}$"
)  # letters (any script), digits, . _ -; shown in logs and replies
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# A real hash to check against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("no such account")


class AccountError(ValueError):
    """A name or password we cannot accept; the message is one line."""


def check_name(name: str) -> str:
    """The name, or AccountError naming what is wrong."""
    if not NAME.match(name):
        raise AccountError(
            f"a staff name is 1 to 40 letters, digits, '.', '_' or '-' (got {name!r})"
        )
    return name


async def add_staff(store: Store, name: str, password: str) -> bool:
    """Add an account, or set a new password when the name exists; True when it was new."""
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    hashed = await asyncio.to_thread(_HASHER.hash, password)
    existed = name in await staff_names(store)
    await store.write(
        "INSERT INTO staff (name, hash, created) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET hash = excluded.hash",
        (name, hashed, now()),
    )
    return not existed


async def staff_names(store: Store) -> list[str]:
    """Every staff name, sorted."""
    db = await store.db()
    rows = await (await db.execute("SELECT name FROM staff ORDER BY name")).fetchall()
    return [str(row[0]) for row in rows]


async def is_staff(store: Store, name: str) -> bool:
    """Whether the account exists now: a removed account's signed cookie stops working at once."""
    db = await store.db()
    row = await (await db.execute("SELECT 1 FROM staff WHERE name = ? LIMIT 1", (name,))).fetchone()
    return row is not None


async def remove_staff(store: Store, name: str) -> bool:
    """Delete an account; True when it existed."""
    cursor = await store.write("DELETE FROM staff WHERE name = ?", (name,))
    return bool(cursor.rowcount)


async def verify(store: Store, name: str, password: str) -> bool:
    """True when the password is this account's (an unknown name takes as long as a wrong password)."""
    db = await store.db()
    row = await (await db.execute("SELECT hash FROM staff WHERE name = ?", (name,))).fetchone()
    stored = str(row[0]) if row else _DUMMY

    def check() -> bool:
        try:
            return _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check) and row is not None
