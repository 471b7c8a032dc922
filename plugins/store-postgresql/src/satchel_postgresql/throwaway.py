"""A throwaway PostgreSQL server for tests and benchmarks: `initdb` in a temporary folder.

The server binaries are Debian's (`/usr/lib/postgresql/<version>/bin`, or `$SATCHEL_PG_BIN`, or
`pg_config --bindir`). `initdb` refuses to run as root, so as root the cluster is made and run
as an unprivileged user (`nobody`). It listens on a free loopback port and on a socket in its
own folder, with password authentication over TCP, and is stopped and removed by `stop()`.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from satchel.errors import SatchelError

INSTALL_HINT = (
    "install PostgreSQL's server (Debian: apt-get install -y postgresql), or point SATCHEL_PG_BIN "
    "at the folder holding initdb and postgres"
)
START_TIMEOUT = 60.0
USER = "satchel"


class ServerMissingError(SatchelError):
    """No PostgreSQL server binaries were found on this machine."""


def find_binaries() -> Path:
    """The folder holding `initdb` and `postgres` (the newest Debian version), or `ServerMissingError`."""
    candidates = [os.environ.get("SATCHEL_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(found.stdout.strip())
    for folder in filter(None, candidates):
        if all(Path(folder, name).is_file() for name in ("initdb", "postgres")):
            return Path(folder)
    raise ServerMissingError(f"no PostgreSQL server binaries (initdb, postgres) found: {INSTALL_HINT}")


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


class ThrowawayServer:
    """A PostgreSQL cluster of its own in a temporary folder, started by `start()`."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        #: server settings (`-c name=value`); durability is kept unless a caller relaxes it
        self.settings = {"shared_buffers": "32MB", "max_connections": "200", **(settings or {})}
        self.password = secrets.token_hex(16)
        self.folder: Path | None = None
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._as: dict[str, Any] = {}

    @property
    def socket_dir(self) -> Path:
        """The folder of the server's Unix socket."""
        assert self.folder is not None, "the server is not started"
        return self.folder / "socket"

    def url(self, database: str = "postgres", password: str | None = None, **query: str) -> str:
        """A `postgresql://` URL of the server over TCP (with the right password unless given)."""
        secret = self.password if password is None else password
        tail = "?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else ""
        return f"postgresql://{USER}:{secret}@127.0.0.1:{self.port}/{database}{tail}"

    def start(self) -> ThrowawayServer:
        """Make the cluster and start the server; a clear error if it cannot."""
        binaries = find_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="satchel-pg-"))
        self._as = _unprivileged()
        data, log = self.folder / "data", self.folder / "server.log"
        self.socket_dir.mkdir()
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self._as:
            for path in (self.folder, self.socket_dir, password_file):
                os.chown(path, self._as["user"], self._as["group"])
        made = subprocess.run(
            [
                str(binaries / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={password_file}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
            ],
            capture_output=True, text=True, check=False, cwd=self.folder, **self._as,
        )  # fmt: skip
        password_file.unlink()
        if made.returncode != 0:
            self.stop()
            raise SatchelError(f"initdb failed ({made.returncode}): {made.stderr.strip()[-2000:]}")
        for _attempt in range(5):  # a free port may be taken between finding it and listening on it
            self.port = _free_port()
            if self._launch():
                return self
        text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self.stop()
        raise SatchelError(f"the throwaway PostgreSQL server did not start: {text}")

    def _launch(self) -> bool:
        """Start the server process on the data folder and `self.port`; whether it is ready."""
        assert self.folder is not None
        options = {
            "listen_addresses": "127.0.0.1", "port": str(self.port),
            "unix_socket_directories": str(self.socket_dir), **self.settings,
        }  # fmt: skip
        command = [str(find_binaries() / "postgres"), "-D", str(self.folder / "data")]
        for name, value in options.items():
            command += ["-c", f"{name}={value}"]
        with open(self.folder / "server.log", "ab") as output:
            self._process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, cwd=self.folder, **self._as
            )
        return self._wait_ready()

    def restart(self) -> None:
        """Stop the server (fast shutdown, every connection dropped) and start it again on the
        same data and port, as an administrator restarting it does."""
        self._shut_down()
        if not self._launch():
            raise SatchelError("the throwaway PostgreSQL server did not start again")

    def _wait_ready(self) -> bool:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                return False
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.1)
        return False

    def _shut_down(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        self._shut_down()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> ThrowawayServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _unprivileged() -> dict[str, Any]:
    """As root: `subprocess` arguments that run as `nobody` (initdb refuses root); else nothing."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        entry = pwd.getpwnam("nobody")
    except KeyError as error:
        raise SatchelError("running as root, and there is no 'nobody' user to run PostgreSQL as") from error
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
