"""Who is reading the dashboard: a signed, expiring, HttpOnly cookie set after Sign in with Slack.

The cookie holds the reader's workspace, user id, language and name, signed with HMAC-SHA256
under a key derived from the app's client secret, so only this app could have written it and a
reader cannot move into another workspace by editing it. Administrators are decided at each
request from PMO_ADMINS, never from the cookie, so a change there applies at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass
from http.cookies import CookieError, SimpleCookie

SESSION_COOKIE = "pmo-dashboard"
# A working day and a bit: a reader signs in again each morning.
SESSION_TTL_S = 12 * 60 * 60


@dataclass(frozen=True)
class Reader:
    team_id: str
    user_id: str
    language: str
    name: str


class Sessions:
    """Writes and reads the session cookie."""

    def __init__(self, secret: str, *, secure: bool, ttl_s: int = SESSION_TTL_S) -> None:
        self.key = hashlib.sha256(b"pmo-dashboard-session\0" + secret.encode()).digest()
        self.secure = secure
        self.ttl_s = ttl_s

    def set_cookie(self, reader: Reader, *, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + self.ttl_s)
        payload = json.dumps({**asdict(reader), "exp": expires}, separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        value = f"{body}.{self._sign(body)}"
        return self._cookie(value, f"Max-Age={self.ttl_s}")

    def clear_cookie(self) -> str:
        return self._cookie("", "Max-Age=0")

    def reader(self, cookie_header: str | None, *, now: float | None = None) -> Reader | None:
        """The reader the request's cookie names, if it is ours, intact and not expired."""
        value = cookie_value(cookie_header, SESSION_COOKIE)
        body, _, signature = (value or "").partition(".")
        if not body or not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            fields = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            expires = int(fields.pop("exp"))
            reader = Reader(**fields)
        except (ValueError, TypeError, KeyError, binascii.Error):
            return None
        return reader if expires > (time.time() if now is None else now) else None

    def _sign(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()

    def _cookie(self, value: str, age: str) -> str:
        secure = "; Secure" if self.secure else ""
        return f"{SESSION_COOKIE}={value}; Path=/dashboard; HttpOnly; SameSite=Lax; {age}{secure}"


def cookie_value(header: str | None, name: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None
