"""The HTTP API: ``GET|POST /:action`` (communication/http.md, HTTP-*, AUTH-*, DATA-*).

:class:`HttpApi` is a plain WSGI application (``app(environ, start_response)``) with one method
per step of the spec's order of checks, as the legacy server makes them (HTTP-13):

    path (404) → method (405) → access token (401/403) → Content-Type (406) → body size (413)
    → body (400) → action (404) → 200 with the envelope of ``actions.call``

(the Content-Type, size and body checks, and the merging of the parameters, are
:func:`.http_params.request_params`). A step that refuses raises :class:`.http_params.Reject`;
:meth:`HttpApi.__call__` turns it into the answer, in one place.

onebot_ref choices where the spec is silent (for the README):

- 4xx responses carry a one-line ``text/plain`` reason (the spec and legacy send an empty body,
  HTTP-14; SDKs look only at the status), e.g. which Content-Types are accepted.
- Bodies over ``max_body_bytes`` get 413; a path, query or body (JSON or form) that is not
  strict UTF-8, and a JSON body that is not strict JSON (RFC 8259: no NaN or Infinity, no lone
  surrogate, at most 64 levels deep) get 400 naming the problem (BAD-1/2).
- An action name is the path segment verbatim (HTTP-2): ``/send%5Fmsg`` is not ``send_msg``.
"""

from __future__ import annotations

import functools
import os
import re
from http import HTTPStatus

from ..faults.answers import http_answer
from ..profiles import settings_of
from ..protocol import wire
from ..protocol.auth import authorize, profile_note
from ..protocol.coerce import Params
from ..protocol.http1 import environ_key
from ..protocol.response import Retcode
from ..traffic import mask_secret
from . import Parts, peer
from .http_data import DataFiles, auth_headers
from .http_params import Reject, query_params, request_params
from .http_profile import answered, body_first, root_body, root_request

# HTTP-2: "^/([^/\s]+)/?$", the action being the path segment.
_ACTION_PATH = re.compile(r"/([^/\s]+)/?")
_JSON_TYPE = "application/json; charset=UTF-8"  # HTTP-15
_CORS = (("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*"))
_BODY_HEADERS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
_STATUS_LINES = {code: f"{code} {code.phrase}" for code in HTTPStatus if code >= 200}


@functools.lru_cache(maxsize=512)  # bounded: clients choose header names
def _header_name(key: str) -> str:
    """``HTTP_X_SELF_ID`` → ``X-Self-Id``, the spelling werkzeug's EnvironHeaders gives."""
    return key[5:].replace("_", "-").title()


def _journal_headers(environ: dict) -> dict[str, str]:
    """The request headers as the traffic journal shows them, empty values left out: what
    ``dict(EnvironHeaders(environ))`` gives, at half its cost."""
    headers = {}
    for key, value in environ.items():
        if value:
            if key.startswith("HTTP_"):
                headers[_header_name(key)] = value
            elif key in _BODY_HEADERS:
                headers[_BODY_HEADERS[key]] = value
    return headers


def _journal_headers_of(fields: list[tuple[str, str]]) -> dict[str, str]:
    """The same view made from the header fields as received (our server hands them over as
    ``environ["onebot_ref.headers"]``), so that it can wait until someone reads the journal:
    joined and spelled as the environ has them, empty values left out."""
    view: dict[str, str] = {}
    for name, value in fields:
        key = environ_key(name)
        if key is not None:
            shown = _BODY_HEADERS.get(key) or _header_name(key)
            view[shown] = f"{view[shown]},{value}" if shown in view else value
    return {name: value for name, value in view.items() if value}


class HttpApi(DataFiles):
    """The HTTP API of one runner: a mode (:class:`~.Mode`) whose ``app`` is itself, a WSGI app
    (any WSGI server can serve it).

    ``/:action`` is answered here without Flask: it is the hot path, and Flask's per-request
    context, routing and signals would cost more than the whole OneBot layer
    (``bench/bench_http.py`` shows the numbers).
    """

    def __init__(self, parts: Parts):
        config = parts.config
        self.actions, self.traffic, self.faults = parts.actions, parts.traffic, parts.faults
        self.settings = settings_of(config)  # the compat profile's (profiles/settings.py)
        self.token = config.access_token
        self.limit = config.max_body_bytes
        self.cors = config.enable_cors
        self.cors_headers = [("Access-Control-Allow-Origin", "*")] if self.cors else []
        #: None: data files are not served (DATA-2), and /data/... is just another path.
        self.data_dir = os.path.realpath(config.data_dir) if config.serve_data_files else None

    @property
    def app(self) -> HttpApi:
        return self

    def start(self) -> None:
        """Nothing to start: every request runs in a thread of the server."""

    def stop(self) -> None:
        """Nothing to stop: the server's threads end with the server."""

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        if self.data_dir is not None and environ["PATH_INFO"].startswith("/data/"):
            return self._data_file(environ, start_response)  # DATA-1
        frame: dict = {"method": environ["REQUEST_METHOD"], "action": None}
        try:
            action = frame["action"] = self._route(environ)
            self._check_method(environ)
            query, bad_query = query_params(environ)
            late = self.settings.token_after_body  # AUTH-8, or a profile's order
            note = None if late else self._authorize(environ, query)
            if bad_query is not None:  # BAD-1: after the token (AUTH-8), before the body
                raise Reject(400, bad_query)
            params = request_params(environ, query, self.limit, self.settings) if not late else \
                body_first(environ, query, self.limit, self.settings, self.token,
                           auth_headers(environ))
            note = self._authorize(environ, query) if late else note
            if note is not None:
                params.notes.append(note)
        except Reject as rejection:
            return self._refuse(environ, start_response, frame, rejection)
        if action is None:
            return self._root(environ, start_response, frame, params)
        return self._answer(environ, start_response, frame, action, params)

    # --- the steps, in the spec's order (HTTP-13) -------------------------------------------
    def _route(self, environ: dict) -> str | None:
        """The action the raw path names (HTTP-2: not %-decoded); None: a profile's ``/``."""
        raw_path = environ.get("RAW_URI", "")
        raw_path = raw_path.partition("?")[0] if raw_path.startswith("/") else environ["PATH_INFO"]
        if not raw_path.isascii():
            # BAD-1: the path is strict UTF-8 too (PEP 3333: its bytes arrive as latin-1).
            try:
                raw_path = wire.text(raw_path.encode("latin-1"), "path")
            except wire.WireError as err:
                raise Reject(400, str(err)) from None
        match = _ACTION_PATH.fullmatch(raw_path)
        if match is None:
            if raw_path == "/" and self.settings.root_path != "404":
                return None
            # HTTP-3: any other path is 404.
            raise Reject(404, f"no such path {raw_path}: the API is /:action (HTTP-3)")
        return match.group(1)

    def _check_method(self, environ: dict) -> None:
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS" and self.cors:
            # DATA-6: the CORS pre-flight, answered at once.
            raise Reject(200, "ok", _CORS)
        if method not in ("GET", "POST"):
            # HTTP-20 / A-41: other methods get 405.
            raise Reject(405, f"method {method} not allowed: use GET or POST (HTTP-20)",
                         (("Allow", "GET, POST, OPTIONS" if self.cors else "GET, POST"),))

    def _authorize(self, environ: dict, query: dict[str, str]) -> str | None:
        """Reject a refused token; the profile's journal mark (None: as the spec decides)."""
        # AUTH-8: the token is checked before anything else about the request.
        # communication/http.md: "如果 access token 未提供，状态码为 401" /
        # "如果 access token 不符合，状态码为 403"
        if not self.token:  # AUTH-1: nothing to check
            return None
        headers, settings = auth_headers(environ), self.settings
        refusal = authorize(self.token, headers, query, settings=settings)
        note = None if settings.is_spec else profile_note(self.token, headers, query, settings)
        if refusal is not None:
            raise Reject(refusal[0], refusal[1] if note is None else f"{refusal[1]}; {note}")
        return note

    def _answer(self, environ: dict, start_response, frame: dict, action: str,
                params: Params) -> list[bytes]:
        if self.traffic is not None:
            values = params.values
            frame["params"] = (values if "access_token" not in values else
                               {**values, "access_token": mask_secret(values["access_token"])})
            self._record_in(environ, frame)
        if self.faults.active:  # one read while no fault is on (FAULT-4): faults/answers.py
            return http_answer(self, environ, start_response, action, params)
        return self._reply(environ, start_response, params, self.actions.call(action, params, "http"))

    def _reply(self, environ: dict, start_response, params: Params, envelope: dict,
               body: bytes | None = None) -> list[bytes]:
        """The answer carrying ``envelope`` (``body``: other bytes, from a bad_answer fault)."""
        # communication/http.md: "如果 API 不存在，状态码为 404"
        # (or what a profile says: Settings.unknown_action_http)
        if envelope.get("retcode") == Retcode.NOT_FOUND and \
                self.settings.unknown_action_http is None:
            return self._refuse(environ, start_response, None, Reject(
                404, envelope.get("message") or "no such action (HTTP-11)"))
        if not self.settings.is_spec:  # the profile's retcode and keys (http_profile.py)
            envelope = answered(self.settings, envelope, params.notes)
        # communication/http.md: "剩下的所有情况，无论操作实际成功与否，状态码都是 200"
        if self.traffic is not None:
            self.traffic.record("http", "out", peer(environ), envelope,
                                verdict="; ".join(params.notes) if params.notes else None)
        body = wire.body(envelope) if body is None else body
        start_response("200 OK", [("Content-Type", _JSON_TYPE),
                                  ("Content-Length", str(len(body))), *self.cors_headers])
        return [body]

    def _root(self, environ: dict, start_response, frame: dict, params: Params) -> list[bytes]:
        """``/`` as the profile answers it (Settings.root_path): an action, or a fixed body."""
        if self.settings.root_path not in ("text", "json"):
            action, params = frame["action"], _ = root_request(self.settings, params)
            return self._answer(environ, start_response, frame, action, params)
        body, content_type, note = root_body(self.settings)
        if self.traffic is not None:
            self._record_in(environ, frame)
            self.traffic.record("http", "out", peer(environ), body.decode("utf-8"), verdict=note)
        start_response("200 OK", [("Content-Type", content_type),
                                  ("Content-Length", str(len(body))), *self.cors_headers])
        return [body]

    # --- answering a refusal, and the journal -----------------------------------------------
    def _refuse(self, environ: dict, start_response, frame: dict | None,
                rejection: Reject) -> list[bytes]:
        """A one-line text answer (every non-200, and the pre-flight), journalled as the
        verdict. ``frame``: the request's journal entry, or None when it is already recorded."""
        self._journal_refusal(environ, frame, rejection)
        body = (rejection.reason + "\n").encode("utf-8")
        start_response(_STATUS_LINES[rejection.status], [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            *self.cors_headers, *rejection.headers])
        return [body]

    def _journal_refusal(self, environ: dict, frame: dict | None, rejection: Reject) -> None:
        if self.traffic is not None:
            if frame is not None:
                self._record_in(environ, frame)
            status, reason = rejection.status, rejection.reason
            self.traffic.record("http", "out", peer(environ),
                                {"status": status, "reason": reason},
                                verdict=f"{status}: {reason}")

    def _record_in(self, environ: dict, frame: dict) -> None:
        fields = environ.get("onebot_ref.headers")  # formatted when the journal is read
        self.traffic.record("http", "in", peer(environ), frame,
                            headers=_journal_headers(environ) if fields is None
                            else functools.partial(_journal_headers_of, fields),
                            path=environ.get("RAW_URI") or environ.get("PATH_INFO", ""))
