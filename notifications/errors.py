"""The one error type every channel raises or records: Vietnamese text and a permanent flag."""

from __future__ import annotations


class ChannelError(Exception):
    """A delivery that did not happen.

    `message` is Vietnamese, written for the coordinator, and never holds a secret.
    `permanent` says that sending the same message again later cannot help (a refused
    recipient, revoked credentials), so the outbox stops retrying it at once.
    """

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
