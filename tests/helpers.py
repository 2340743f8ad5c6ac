"""What the tests would otherwise each write again: a runner to test against, and one call of
an action over the HTTP API or straight through the dispatcher (h11 keeps such a
``tests/helpers.py`` for the same reason).

    from helpers import http_call, http_data, start_runner

    with start_runner(tmp_path, use_ws=True) as runner:     # loopback, every port 0
        envelope = http_call(runner, "get_msg", how="form", message_id=1)
        data = http_data(runner, "send_private_msg", user_id=10001, message="hi")

- ``runner_config(data_root, **keys)``: a validated Config: 127.0.0.1 and port 0 for every
  server, the console off, ``data_dir`` = ``data_root / "data"``; any config key on top.
- ``start_runner(data_root, **keys)``: that Config's Runner, started, stopped on leaving the
  ``with``. For a test: ``start_runner(tmp_path)`` (or the ``make_runner`` fixture of
  conftest.py); for a module-scoped fixture: ``start_runner(tmp_path_factory.mktemp("x"))``.
- ``http_call(runner, action, how=..., **params)``: one HTTP API request, ``how`` = ``"json"``
  (POST + JSON body), ``"form"`` (POST + urlencoded form) or ``"query"`` (GET + query string);
  checks the spec's status 200 and returns the envelope. ``http_data``: also checks ``ok`` and
  returns ``data``.
- ``direct_call(actions, action, **params)`` / ``direct_data``: the same through
  ``Actions.call`` in-process, no transport (``runner.actions``, or an ``Actions`` of your own).
- ``as_text(value)``: a value the way a query or a form carries it (PARAM-1, PARAM-9/10).
- ``strict_json(data)``: the value of strict JSON text (RFC 8259: UTF-8, no NaN/Infinity, no
  lone surrogate), read independently of onebot_ref's own decoder (BAD-2/5).

``tests/`` is on ``sys.path`` through ``pythonpath`` in setup.cfg's ``[tool:pytest]``, so
``import helpers`` and ``import fakebot`` work from every folder.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from onebot_ref.actions import Actions
from onebot_ref.config import Config, from_mapping
from onebot_ref.protocol.coerce import Params
from onebot_ref.runner import Runner

HTTP_TIMEOUT = 10  # seconds for one request to our own server on 127.0.0.1
HOWS = ("query", "form", "json")  # GET + query, POST + urlencoded form, POST + JSON body


def runner_config(data_root: Path, **keys: Any) -> Config:
    """A validated Config for tests: loopback, port 0 everywhere, console off."""
    mapping = {"host": "127.0.0.1", "port": 0, "ws_host": "127.0.0.1", "ws_port": 0,
               "console_host": "127.0.0.1", "console_port": 0, "use_console": False,
               "data_dir": str(Path(data_root) / "data")}
    return from_mapping(mapping | keys)


@contextlib.contextmanager
def start_runner(data_root: Path, **keys: Any) -> Iterator[Runner]:
    """``with start_runner(tmp_path, use_ws=True) as runner:`` a started Runner, stopped on exit
    (also when the test fails)."""
    runner = Runner(runner_config(data_root, **keys)).start()
    try:
        yield runner
    finally:
        runner.stop()


def as_text(value: Any) -> str:
    """How a value travels in a query or a form: JSON text for arrays, objects and booleans
    (PARAM-9: a message array from a query or a form arrives as a JSON string), else str()."""
    if isinstance(value, (list, dict, bool)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def http_call(runner: Runner, action: str, /, *, how: str = "json", **params: Any) -> dict:
    """The envelope of one HTTP API request for ``action`` with ``params``, sent ``how``."""
    url = f"{runner.url('http')}/{action}"
    if how == "query":
        response = requests.get(url, params={k: as_text(v) for k, v in params.items()},
                                timeout=HTTP_TIMEOUT)
    elif how == "form":
        response = requests.post(url, data={k: as_text(v) for k, v in params.items()},
                                 timeout=HTTP_TIMEOUT)
    elif how == "json":
        response = requests.post(url, json=params, timeout=HTTP_TIMEOUT)
    else:
        raise ValueError(f"how must be one of {HOWS}, not {how!r}")
    # communication/http.md: "剩下的所有情况，无论操作实际成功与否，状态码都是 200"
    assert response.status_code == 200, response.text
    return response.json()


def http_data(runner: Runner, action: str, /, *, how: str = "json", **params: Any) -> Any:
    """``data`` of a successful HTTP API call (the envelope is checked to be ok, retcode 0)."""
    return _ok(http_call(runner, action, how=how, **params))


def direct_call(actions: Actions, action: str, /, **params: Any) -> dict:
    """The envelope of ``action`` through the dispatcher itself, no transport."""
    return actions.call(action, Params(params))


def direct_data(actions: Actions, action: str, /, **params: Any) -> Any:
    """``data`` of a successful direct call (the envelope is checked to be ok, retcode 0)."""
    return _ok(direct_call(actions, action, **params))


def _ok(envelope: dict) -> Any:
    assert envelope["status"] == "ok" and envelope["retcode"] == 0, envelope
    return envelope["data"]


def deflate_client(port: int):
    """A plain wsproto client that negotiates permessage-deflate (the seam's client never
    offers it), over a socket to 127.0.0.1:``port``."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Request
    from wsproto.extensions import PerMessageDeflate

    sock = socket.create_connection(("127.0.0.1", port), timeout=HTTP_TIMEOUT)
    client = WSConnection(ConnectionType.CLIENT)
    sock.sendall(client.send(Request(host=f"127.0.0.1:{port}", target="/",
                                     extensions=[PerMessageDeflate()])))
    accepted = None
    while accepted is None:
        data = sock.recv(65536)
        assert data, "the server closed during the handshake"
        client.receive_data(data)
        accepted = next((e for e in client.events() if isinstance(e, AcceptConnection)), None)
    assert accepted.extensions, "permessage-deflate was not accepted"
    return sock, client


def close_code_sent_to(sock, client) -> int:
    """Read until the server's close frame; answer it; its code."""
    from wsproto.events import CloseConnection

    while True:
        data = sock.recv(65536)
        assert data, "the server dropped the connection without a close frame"
        client.receive_data(data)
        for event in client.events():
            if isinstance(event, CloseConnection):
                sock.sendall(client.send(event.response()))
                return event.code


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constant(name: str):
    raise AssertionError(f"{name} is not JSON (RFC 8259)")


def strict_json(data: bytes | str) -> Any:
    """The value of strict JSON text (RFC 8259): UTF-8, no NaN/Infinity, no lone surrogate."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    value = json.loads(text, parse_constant=_no_constant)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            assert not _SURROGATE.search(item), f"lone surrogate in {item[:80]!r}"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float):
            assert item == item and item not in (float("inf"), float("-inf")), item
    return value
