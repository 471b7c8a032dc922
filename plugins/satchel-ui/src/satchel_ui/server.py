"""`satchel ui`: the pages served read-only by the standard library's threading HTTP server.

GET and HEAD only (any other method is a 405); a path is one of a few fixed routes or a named
file of the package's static folder, never a path on disk, so nothing outside the store's
records and the package is ever served. Bound to loopback, requests must name a loopback host
(a page elsewhere cannot reach the server through DNS rebinding). Each response is complete
and the connection then closed: no request stays open.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from satchel_ui.data import Filters, StoreView
from satchel_ui.pages import PER_PAGE, Site

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ROUTES = [
    (re.compile(r"/"), "runs"),
    (re.compile(r"/runs/([^/]+)"), "run"),
    (re.compile(r"/runs/([^/]+)/verify"), "verify"),
    (re.compile(r"/workflows"), "workflows"),
    (re.compile(r"/workflows/([^/]+)"), "workflow"),
    (re.compile(r"/compare"), "compare"),
    (re.compile(r"/chart"), "chart"),
    (re.compile(r"/static/([a-z0-9_-]+\.(?:css|js))"), "static"),
]


def static_files() -> dict[str, bytes]:
    """The package's static files by name: the only files the server sends."""
    folder = resources.files("satchel_ui") / "static"
    return {item.name: item.read_bytes() for item in folder.iterdir() if item.name.endswith((".css", ".js"))}


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) is this machine only."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class UIServer(ThreadingHTTPServer):
    """The HTTP server of one store's pages."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        self.static = static_files()
        self.loopback = is_loopback(address[0])
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        """The page's address."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"


class Handler(BaseHTTPRequestHandler):
    """One request: a page, a static file, or a refusal."""

    server: UIServer
    server_version = "satchel-ui"
    protocol_version = "HTTP/1.0"  # one response per connection, then closed

    def do_GET(self) -> None:
        """Send a page."""
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        """Send a page's headers only."""
        self._respond(send_body=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every other method (POST, PUT, DELETE, anything)
            return self._refuse
        raise AttributeError(name)

    def _refuse(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"405: read-only (GET and HEAD only)\n",
            "text/plain",
            True,
            extra={"Allow": "GET, HEAD"},
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the URL, not each request."""

    def _respond(self, send_body: bool) -> None:
        if self.server.loopback and not self._host_is_loopback():
            self._send(
                HTTPStatus.BAD_REQUEST,
                b"400: this server answers only to a loopback host name\n",
                "text/plain",
                send_body,
            )
            return
        try:
            status, body, content_type = self._route()
        except Exception as problem:  # a page that fails is a 500, and the server goes on
            print(f"satchel ui: {type(problem).__name__}: {problem}", file=sys.stderr)
            status, body, content_type = (
                HTTPStatus.INTERNAL_SERVER_ERROR,
                b"500: the page failed\n",
                "text/plain",
            )
        self._send(status, body, content_type, send_body)

    def _host_is_loopback(self) -> bool:
        host = self.headers.get("Host", "")
        name = host if host.endswith("]") else host.rsplit(":", 1)[0]  # without the port
        return is_loopback(name)

    def _route(self) -> tuple[HTTPStatus, bytes, str]:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        site = self.server.site
        for pattern, name in ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if name == "static":
                body = self.server.static.get(match[1])
                if body is None:
                    break
                return HTTPStatus.OK, body, STATIC_TYPES[os.path.splitext(match[1])[1]]
            page = self._page(site, name, match.groups(), query)
            if page is None:
                break
            return HTTPStatus.OK, page.encode(), "text/html; charset=utf-8"
        return HTTPStatus.NOT_FOUND, site.not_found(f"nothing at {path}").encode(), "text/html; charset=utf-8"

    @staticmethod
    def _page(site: Site, name: str, groups: tuple[str, ...], query: dict[str, list[str]]) -> str | None:
        def one(key: str, default: str = "") -> str:
            return query.get(key, [default])[-1]

        def number(key: str, default: int) -> int:
            try:
                return int(one(key, str(default)))
            except ValueError:
                return default

        filters = Filters(one("project"), one("status"), one("name"), one("workflow"))
        if name == "runs":
            return site.runs_page(
                filters,
                one("sort", "started"),
                one("order", "desc"),
                number("page", 1),
                number("per", PER_PAGE),
            )
        if name == "run":
            return site.run_page(groups[0])
        if name == "verify":
            return site.verify_page(groups[0])
        if name == "workflows":
            return site.workflows_page()
        if name == "workflow":
            return site.workflow_page(groups[0])
        if name == "compare":
            return site.compare_page(query.get("run", []))
        if name == "chart":
            return site.chart_page(one("key"), filters) if one("key") else None
        return None

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        send_body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header(
            "Content-Type", content_type if "charset" in content_type else content_type + "; charset=utf-8"
        )
        self.send_header("Content-Length", str(len(body)))
        for header, value in {**SECURITY_HEADERS, **(extra or {})}.items():
            self.send_header(header, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def start_server(
    host: str = "127.0.0.1", port: int = 0, store: str | os.PathLike[str] | None = None
) -> tuple[UIServer, threading.Thread]:
    """A server for the store's pages, serving in a daemon thread; `server.shutdown()` stops it."""
    server = UIServer((host, port), Site(StoreView(store)))
    thread = threading.Thread(target=server.serve_forever, name="satchel-ui", daemon=True)
    thread.start()
    return server, thread


def serve(
    host: str = "127.0.0.1",
    port: int = 8321,
    store: str | os.PathLike[str] | None = None,
    open_browser: bool = False,
) -> None:
    """Serve until interrupted, printing the URL first (what `satchel ui` does)."""
    server = UIServer((host, port), Site(StoreView(store)))
    if not server.loopback:
        print(f"satchel ui: listening on {host}: reachable from other machines", file=sys.stderr)
    print(f"satchel ui: serving {server.url} (Ctrl-C stops)", flush=True)
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
