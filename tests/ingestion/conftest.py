import shutil
import socket
import subprocess
import time

import pytest

from ingestion.fetch import FetchPolicy
from tests.ingestion.httpserver import LocalServer


@pytest.fixture
def http_server():
    server = LocalServer().start()
    yield server
    server.stop()


@pytest.fixture
def policy(http_server) -> FetchPolicy:
    """Loopback allowed only on the test server's own port, with short timeouts."""
    return FetchPolicy(
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        max_bytes=1024 * 1024,
        allow_loopback=True,
        loopback_ports=frozenset({http_server.port}),
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private redis-server on a random loopback port (never 6379: others run tests too)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)
