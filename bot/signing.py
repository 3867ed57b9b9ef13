"""Is this request from Slack? slack-sdk's verifier, made safe for headers anyone can send.

`SignatureVerifier.is_valid` raises on a timestamp that is not a number and on a signature with
non-ASCII bytes; inside Bolt such an exception reached the error handler, which then acted on
the unverified body. Here every such request is simply not verified, and the HTTP layer answers
401 before Bolt reads the body. Bolt's own check (a middleware) uses the same test, so a
request dispatched to the app by other means (the console) cannot get past it either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

TIMESTAMP_HEADER = "x-slack-request-timestamp"
SIGNATURE_HEADER = "x-slack-signature"
# Set in a request's context once it is known to come from Slack; the error handler acts only then.
VERIFIED_KEY = "pmo_verified"
SOCKET_MODE = "socket_mode"


def verifier_for(signing_secret: str | None) -> SignatureVerifier | None:
    """None without a secret: then no request can be verified, and none is let in."""
    return SignatureVerifier(signing_secret) if signing_secret else None


def is_signed(
    verifier: SignatureVerifier | None, body: bytes | str, timestamp: str | None, signature: str | None
) -> bool:
    """True only for a body Slack signed within the last five minutes; never raises."""
    if verifier is None or not timestamp or not signature:
        return False
    # The verifier would raise on these: int() of a non-number, compare_digest of non-ASCII text.
    if not (timestamp.isascii() and timestamp.isdigit() and signature.isascii()):
        return False
    try:
        return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
    except (ValueError, TypeError):  # a body that is not UTF-8, a timestamp too long for int()
        return False


def first_value(values: Any) -> str | None:
    """A header's value as Bolt keeps it (a list of values, or a single string)."""
    if isinstance(values, str):
        return values
    return values[0] if values else None


class SlackSignature(Middleware):
    """Bolt's request verification, guarded: a request that can't be verified is a 401, never an error.

    Installed in place of Bolt's own `RequestVerification` (as the middleware that runs right
    before authorisation, so before anything looks up a workspace or calls Slack). Socket Mode
    requests carry no signature: the connection itself was opened with the app-level token.
    """

    def __init__(self, signing_secret: str | None) -> None:
        self.verifier = verifier_for(signing_secret)

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        headers = req.headers
        trusted = req.mode == SOCKET_MODE or is_signed(
            self.verifier,
            req.raw_body,
            first_value(headers.get(TIMESTAMP_HEADER)),
            first_value(headers.get(SIGNATURE_HEADER)),
        )
        if not trusted:
            log.warning("refused a request whose Slack signature could not be verified")
            return BoltResponse(status=401, body="")
        req.context[VERIFIED_KEY] = True
        return next()
