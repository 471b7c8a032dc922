"""Failures to reach the records: clear errors, never the password in them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

import satchel
from satchel import SatchelError
from satchel_postgresql import open_records


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_wrong_password_is_a_clear_error_without_the_password(server, monkeypatch, tmp_path):
    url = server.url(password="not-the-Secret-42")
    monkeypatch.setenv("SATCHEL_RECORDS", url)
    monkeypatch.setenv("SATCHEL_HOME", str(tmp_path))
    with pytest.raises(SatchelError) as failed:
        satchel.list_runs()
    message = str(failed.value)
    assert "password authentication failed" in message and "cannot connect" in message
    assert "not-the-Secret-42" not in message and server.password not in message
    assert "satchel:***@127.0.0.1" in message


def test_an_unreachable_server_is_a_clear_error(server):
    url = f"postgresql://satchel:hidden-pw@127.0.0.1:{_free_port()}/postgres"
    expected = r"cannot connect to the PostgreSQL records at .*check the URL"
    with pytest.raises(SatchelError, match=expected) as failed:
        open_records(url)
    assert "hidden-pw" not in str(failed.value)


def test_the_command_line_says_it_in_one_line(server, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("SATCHEL_")}
    env["SATCHEL_HOME"], env["TMPDIR"] = str(tmp_path), str(tmp_path)
    url = server.url(password="Wrong-pw-77")
    done = subprocess.run([sys.executable, "-m", "satchel", "--records", url, "runs"], capture_output=True,
                          text=True, env=env)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "password authentication failed" in done.stderr, done.stderr
    assert "Wrong-pw-77" not in done.stderr and server.password not in done.stderr


@pytest.mark.parametrize(
    "suffix,message",
    [("?schema=Bad-Name", "is not a plain lower-case SQL name"), ("", 'database "nope" does not exist')],
)
def test_a_wrong_url_says_what_is_wrong(server, suffix, message):
    url = server.url("postgres" if suffix else "nope") + suffix
    with pytest.raises(SatchelError, match=message) as failed:
        open_records(url)
    assert server.password not in str(failed.value)
