"""Password hashes in the "method$salt$hash" form Werkzeug writes, so every stored hash verifies.

New hashes use scrypt (N=2^15, r=8, p=1, 64 bytes), as Werkzeug's `generate_password_hash(...,
method="scrypt")` did; hashes Werkzeug made with scrypt or pbkdf2 still verify.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

SALT_CHARS = string.ascii_letters + string.digits
SALT_LENGTH = 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
PBKDF2_DEFAULT_ITERATIONS = 600_000


def hash_password(password: str) -> str:
    """A new scrypt hash of `password` with a random salt."""
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(SALT_LENGTH))
    method = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
    return f"{method}${salt}${_derive(method, salt, password)}"


def password_matches(stored: str, password: str) -> bool:
    """True when `password` is the one `stored` was made from; False for any malformed hash."""
    try:
        method, salt, expected = stored.split("$", 2)
        actual = _derive(method, salt, password)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _derive(method: str, salt: str, password: str) -> str:
    """The hex digest for a Werkzeug method string: `scrypt:N:r:p` or `pbkdf2:hash:iterations`."""
    name, *arguments = method.split(":")
    secret, salt_bytes = password.encode(), salt.encode()
    if name == "scrypt":
        n, r, p = (int(a) for a in arguments) if arguments else (SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return hashlib.scrypt(
            secret, salt=salt_bytes, n=n, r=r, p=p, maxmem=132 * n * r * p, dklen=64
        ).hex()
    if name == "pbkdf2":
        digest = arguments[0] if arguments else "sha256"
        iterations = int(arguments[1]) if len(arguments) > 1 else PBKDF2_DEFAULT_ITERATIONS
        return hashlib.pbkdf2_hmac(digest, secret, salt_bytes, iterations).hex()
    raise ValueError(f"unknown password hash method {name!r}")
