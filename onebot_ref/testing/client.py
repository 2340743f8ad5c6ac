"""The console's JSON API as the library calls it (docs/console-api.md): keep-alive
``requests`` sessions (one per thread: the async twins wait in worker threads, maybe several
at once), errors turned into the exceptions a test expects.

- 400 (the test asked for something impossible: an unknown user, a bad field): ``ValueError``
  carrying the console's message, which names the field;
- 408 from ``POST /sim/expect`` (an expectation not met): ``AssertionError`` with the failure
  text (the mixins raise it);
- anything else (the console gone, a 5xx): ``RuntimeError`` saying what happened.
"""

from __future__ import annotations

import threading
from typing import Any

import requests

#: seconds for a request that does not wait for the bot
TIMEOUT = 10.0
#: what a long poll's HTTP timeout adds to the time the console holds it
MARGIN = 30.0


class ConsoleClient:
    """``get`` / ``post`` on one console, by path (``"/sim/world"``)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @property
    def http(self) -> requests.Session:
        """This thread's session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def get(self, path: str, timeout: float = TIMEOUT, **params: Any) -> dict:
        __tracebackhide__ = True
        return self._answer(self._send("GET", path, timeout, params=params), path)

    def post(self, path: str, body: dict, timeout: float = TIMEOUT) -> dict:
        __tracebackhide__ = True
        return self._answer(self._send("POST", path, timeout, json=body), path)

    def delete(self, path: str, timeout: float = TIMEOUT) -> dict | None:
        """``DELETE path``: the answer, or None for a 404 (nothing there to delete)."""
        __tracebackhide__ = True
        response = self._send("DELETE", path, timeout)
        return None if response.status_code == 404 else self._answer(response, path)

    def expect(self, body: dict, seconds: float) -> tuple[bool, Any]:
        """``POST /sim/expect``: (True, matched) or (False, the failure text)."""
        __tracebackhide__ = True
        response = self._send("POST", "/sim/expect", seconds + MARGIN, json=body)
        if response.status_code == 408:
            return False, _json(response).get("error", "")
        return True, self._answer(response, "/sim/expect").get("matched")

    def _send(self, method: str, path: str, timeout: float, **kwargs: Any) -> requests.Response:
        __tracebackhide__ = True
        try:
            return self.http.request(method, self.url + path, timeout=timeout, **kwargs)
        except requests.RequestException as err:
            raise RuntimeError(f"onebot_ref's console at {self.url} did not answer "
                               f"{method} {path}: {err}") from None

    def _answer(self, response: requests.Response, path: str) -> dict:
        __tracebackhide__ = True
        body = _json(response)
        if response.status_code == 400:
            raise ValueError(body.get("error") or response.text)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"onebot_ref's console answered {path} with HTTP "
                               f"{response.status_code}: {body.get('error') or response.text}")
        return body


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
