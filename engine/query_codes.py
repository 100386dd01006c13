"""Query codes: what an applicant reads over the phone to follow an application without logging in."""

from __future__ import annotations

import re
import secrets

__all__ = ["ALPHABET", "CODE_LENGTH", "format_query_code", "new_query_code", "normalize_query_code"]

# No 0/O, 1/I/L, or U: nothing a listener can mishear or misread. 30 symbols ** 12 ≈ 2^59.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
_VALID = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def new_query_code() -> str:
    """Return a fresh random code from the OS's cryptographic generator."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_query_code(raw: str) -> str | None:
    """Accept the code as typed (any case, spaces or dashes); None when it cannot be a code."""
    cleaned = re.sub(r"[\s-]", "", raw or "").upper()
    return cleaned if _VALID.match(cleaned) else None


def format_query_code(code: str) -> str:
    """Group a code in fours for printing on the receipt."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
