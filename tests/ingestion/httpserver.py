"""A small HTTP server on 127.0.0.1 for ingestion tests and the benchmark.

Routes map a path to a `Route`: fixed status, headers and body, or a callable body that yields
chunks (for oversized or slow responses). The server records every request and the peak number
of requests in flight per path, so politeness can be checked from the server's side.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Returns (status, headers, body) from the request headers, for conditional GET.
    responder: Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]] | None = None


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class LocalServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.peak_in_flight: dict[str, int] = defaultdict(int)
        self.bytes_sent: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes: with Nagle's algorithm on, the body's
            # last segment waits for the client's delayed ACK (40 ms on Linux) on some requests.
            # Real servers set TCP_NODELAY too.
            disable_nagle_algorithm = True

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                path = self.path
                with server._lock:
                    server.hits.append(Hit(path=path, headers=dict(self.headers)))
                    server.in_flight[path] += 1
                    server.peak_in_flight[path] = max(
                        server.peak_in_flight[path], server.in_flight[path]
                    )
                try:
                    server._serve(self, path)
                finally:
                    with server._lock:
                        server.in_flight[path] -= 1

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        # Do not wait for handlers still writing to a client that gave up (the point of
        # several tests) when the server stops.
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _serve(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        route = self.routes.get(path)
        if route is None:
            route = Route(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        if route.delay:
            time.sleep(route.delay)
        status, headers, body = route.status, dict(route.headers), route.body
        if route.responder:
            status, headers, body = route.responder(dict(handler.headers))
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if callable(body):
                # Unknown length: the body ends when the connection closes.
                handler.send_header("Connection", "close")
                handler.end_headers()
                handler.close_connection = True
                for chunk in body():
                    handler.wfile.write(chunk)
                    handler.wfile.flush()
                    with self._lock:
                        self.bytes_sent[path] += len(chunk)
            else:
                if "Content-Length" not in headers:
                    handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)
                with self._lock:
                    self.bytes_sent[path] += len(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, which some tests expect

    def start(self) -> "LocalServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", *, status: int = 200,
            content_type: str | None = "text/html; charset=utf-8", **kwargs) -> str:
        headers = dict(kwargs.pop("headers", {}))
        if content_type is not None:
            headers.setdefault("Content-Type", content_type)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(status=status, body=body, headers=headers, **kwargs)
        return self.url(path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]
