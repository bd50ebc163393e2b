"""Typed ingestion errors.

Tasks retry `TransientError` and record `PermanentError` as a final failure, so every error
raised by fetch/extract/feeds must be one of the two, with a reason a curator can read.
"""


class IngestError(Exception):
    """Base class: `code` is stable and machine-readable, `reason` is for people."""

    transient = False

    def __init__(self, reason: str, *, code: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        # Seconds the remote asked us to wait (Retry-After), when it said so.
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class TransientError(IngestError):
    """Worth retrying later: timeouts, connection errors, 5xx, 429, a busy host."""

    transient = True


class PermanentError(IngestError):
    """Retrying cannot help: 4xx, unsafe URL, wrong content type, too large, no text."""


class UnsafeURLError(PermanentError):
    """The URL's scheme or resolved address is not allowed."""

    def __init__(self, reason: str):
        super().__init__(reason, code="unsafe_url")
