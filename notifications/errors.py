"""The one error type every channel raises or records: Vietnamese text and what may follow."""

from __future__ import annotations


class ChannelError(Exception):
    """A delivery that did not happen.

    `message` is Vietnamese, written for the coordinator, and never holds a secret.
    `permanent` says that sending the same message again later cannot help (a refused
    recipient, a wrong password), so the outbox stops retrying it at once.
    `needs_auth` says the channel waits for a person to authorise it again (a Zalo OA
    whose refresh token was refused): its messages wait instead of failing.
    """

    def __init__(self, message: str, permanent: bool = False, *, needs_auth: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.needs_auth = needs_auth
