import kombu.exceptions
import pytest
import redis
from django import db

from ingestion.errors import InfrastructureError, PermanentError, TransientError, is_infrastructure


@pytest.mark.parametrize("error", [
    redis.exceptions.ConnectionError("Connection refused"),
    redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory"),
    redis.exceptions.TimeoutError("Timeout reading from socket"),
    kombu.exceptions.OperationalError("Error 111 connecting"),
    db.OperationalError("server closed the connection unexpectedly"),
    db.InterfaceError("connection already closed"),
    InfrastructureError("cache down"),
])
def test_connection_errors_of_broker_cache_and_database_are_infrastructure(error):
    assert is_infrastructure(error)


def test_a_transient_error_caused_by_redis_is_infrastructure():
    try:
        try:
            raise redis.exceptions.ConnectionError("Connection refused")
        except redis.RedisError as exc:
            raise TransientError("politeness limiter unavailable", code="limiter") from exc
    except TransientError as exc:
        assert is_infrastructure(exc)


@pytest.mark.parametrize("error", [
    ValueError("a text spaCy cannot take"),
    TransientError("HTTP 503", code="http_503"),
    PermanentError("HTTP 404", code="http_404"),
    redis.exceptions.ResponseError("WRONGTYPE"),
    db.IntegrityError("duplicate key"),
])
def test_other_errors_are_not(error):
    assert not is_infrastructure(error)
