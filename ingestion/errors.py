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


def infrastructure_errors() -> tuple[type[BaseException], ...]:
    """Errors that say a broker, cache or database connection failed, not the work itself.

    They are transient everywhere in the pipeline: the task retries with backoff and, past its
    retries, leaves its rows to the dispatch sweep. They never fail an article.
    """
    # Imported when asked: net/ uses these errors and stays free of Django and broker clients.
    import kombu.exceptions
    import redis.exceptions
    from django import db

    return (
        redis.exceptions.ConnectionError,  # includes BusyLoadingError: Redis replaying its AOF
        redis.exceptions.TimeoutError,
        kombu.exceptions.OperationalError,  # the broker refused or dropped a publish
        db.OperationalError,  # connection lost, database locked, deadlock, statement timeout
        db.InterfaceError,  # a connection already closed
    )


def is_infrastructure(exc: BaseException) -> bool:
    """True when `exc`, or what caused it, is a broker, cache or database connection error."""
    kinds = infrastructure_errors()
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds) or getattr(exc, "code", None) == "infrastructure":
            return True
        seen.add(id(exc))
        exc = exc.__cause__
    return False


class InfrastructureError(TransientError):
    """A broker, cache or database connection failed: retried, never an article's failure."""

    def __init__(self, reason: str):
        super().__init__(reason, code="infrastructure")
