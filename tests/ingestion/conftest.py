import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from ingestion.fetch import FetchPolicy
from tests.ingestion.httpserver import LocalServer

REPO_ROOT = Path(__file__).resolve().parents[2]


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


def shared_dir() -> Path | None:
    """The shared folder beside the repository (CI copies it there), or STANDOFF_SHARED_DIR."""
    candidates = [os.environ.get("STANDOFF_SHARED_DIR"), REPO_ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and Path(candidate, "corpus", "dev.jsonl").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def dev_corpus() -> list[dict]:
    """The hand-labelled development corpus, read at run time (it is third-party text)."""
    folder = shared_dir()
    if folder is None:
        pytest.skip("shared corpus not available (set STANDOFF_SHARED_DIR)")
    with open(folder / "corpus" / "dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
