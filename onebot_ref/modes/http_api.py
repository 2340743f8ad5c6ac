"""The HTTP API: ``GET|POST /:action`` (communication/http.md, spec-rules HTTP-*, AUTH-*, DATA-*).

One WSGI function answers every ``/:action``, so the order of checks is written out once, as
the legacy server does it (spec-rules HTTP-13):

    path (404) → method (405) → access token (401/403) → Content-Type (406) → body size (413)
    → body (400) → action (404) → 200 with the envelope of ``actions.call``

(the Content-Type, size and body checks, and the merging of the parameters, are
:func:`.http_params.request_params`).

onebot_ref choices where the spec is silent (for the README):

- 4xx responses carry a one-line ``text/plain`` reason (the spec and legacy send an empty body,
  HTTP-14; SDKs look only at the status), e.g. which Content-Types are accepted.
- Bodies over ``max_body_bytes`` get 413; a body that is not UTF-8 (JSON or form) gets 400; a
  JSON body nested deeper than 64 levels gets 400. The query string is decoded leniently.
- An action name is the path segment verbatim (HTTP-2): ``/send%5Fmsg`` is not ``send_msg``.
"""

from __future__ import annotations

import os
import re
from http import HTTPStatus

from flask import Flask, Response, request, send_file
from werkzeug.datastructures import EnvironHeaders
from werkzeug.routing import Rule

from ..protocol import wire
from ..protocol.auth import authorize
from ..traffic import mask_secret
from .http_params import Reject, parse_urlencoded, request_params

# spec-rules HTTP-2: "^/([^/\s]+)/?$", the action being the path segment.
_ACTION_PATH = re.compile(r"/([^/\s]+)/?")
# spec-rules DATA-1: "^/(data/(?:bface|image|record|show)/.+)$"
_DATA_PATH = re.compile(r"/data/(bface|image|record|show)/(.+)", re.DOTALL)

_JSON_TYPE = "application/json; charset=UTF-8"  # spec-rules HTTP-15
_CORS = (("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "*"))
_STATUS_LINES = {code: f"{code} {HTTPStatus(code).phrase}"
                 for code in (200, 400, 401, 403, 404, 405, 406, 413)}
_HEADER_NAMES = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


def _headers(environ: dict) -> dict[str, str]:
    """The request headers for the journal, read straight from the WSGI environ (cheap)."""
    headers = {}
    for key, value in environ.items():
        name = _HEADER_NAMES.get(key)
        if name is None:
            if not key.startswith("HTTP_"):
                continue
            name = key[5:].replace("_", "-").title()
            if len(_HEADER_NAMES) < 512:  # remember the spelling; bounded (clients pick names)
                _HEADER_NAMES[key] = name
        if value:
            headers[name] = value
    return headers


def _peer(environ: dict) -> str:
    return f"{environ.get('REMOTE_ADDR', '?')}:{environ.get('REMOTE_PORT', '?')}"


def create_app(config, actions, traffic=None) -> Flask:
    """The HTTP API as a WSGI app (serve it with werkzeug's threaded server).

    ``/:action`` is answered by a plain WSGI function in front of Flask: it is the hot path,
    and Flask's per-request context, routing and signals would cost more than the whole OneBot
    layer (``bench/bench_http.py`` shows the numbers). Flask serves the data files
    (``send_file``) and answers whatever else reaches it.
    """
    limit = config.max_body_bytes
    token = config.access_token
    cors = config.enable_cors
    serve_data_files = config.serve_data_files
    cors_headers = [("Access-Control-Allow-Origin", "*")] if cors else []
    data_dir = os.path.realpath(config.data_dir)

    def record_in(environ, frame: dict) -> None:
        path = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        traffic.record("http", "in", _peer(environ), frame, headers=_headers(environ),
                       path=path)

    def record_rejection(environ, frame: dict | None, status: int, reason: str) -> None:
        """``frame``: the request's journal entry, or None when it is already recorded."""
        if traffic is not None:
            if frame is not None:
                record_in(environ, frame)
            traffic.record("http", "out", _peer(environ), {"status": status, "reason": reason},
                           verdict=f"{status}: {reason}")

    def reject(environ, start_response, frame: dict | None, status: int, reason: str,
               headers: tuple = ()) -> list[bytes]:
        """A non-200 (or pre-flight) answer: a one-line text reason, journalled as the verdict."""
        record_rejection(environ, frame, status, reason)
        body = (reason + "\n").encode("utf-8")
        start_response(_STATUS_LINES[status], [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            *cors_headers, *headers])
        return [body]

    def api(environ, start_response) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        if serve_data_files and environ["PATH_INFO"].startswith("/data/"):
            return flask_app(environ, start_response)  # spec-rules DATA-1
        # spec-rules HTTP-2: the action is the raw path segment, not percent-decoded.
        raw_path = environ.get("RAW_URI", "")
        raw_path = raw_path.partition("?")[0] if raw_path.startswith("/") else environ["PATH_INFO"]
        match = _ACTION_PATH.fullmatch(raw_path)
        action = match.group(1) if match else None
        frame: dict = {"method": method, "action": action}
        # spec-rules HTTP-3: any other path is 404.
        if action is None:
            return reject(environ, start_response, frame, 404,
                          f"no such path {raw_path}: the API is /:action")
        if method == "OPTIONS" and cors:
            # spec-rules DATA-6: the CORS pre-flight.
            return reject(environ, start_response, frame, 200, "ok", _CORS)
        if method not in ("GET", "POST"):
            # spec-rules HTTP-20 / A-41: other methods get 405.
            return reject(environ, start_response, frame, 405,
                          f"method {method} not allowed: use GET or POST",
                          (("Allow", "GET, POST, OPTIONS" if cors else "GET, POST"),))
        query = parse_urlencoded(environ.get("QUERY_STRING", "").encode("latin-1")
                                 .decode("utf-8", "replace"), errors="replace")
        # spec-rules AUTH-8: the token is checked before anything else about the request.
        # communication/http.md: "如果 access token 未提供，状态码为 401" /
        # "如果 access token 不符合，状态码为 403"
        refusal = authorize(token, EnvironHeaders(environ), query)
        if refusal is not None:
            return reject(environ, start_response, frame, *refusal)
        try:
            params = request_params(environ, query, limit)
        except Reject as rejection:
            return reject(environ, start_response, frame, rejection.status, rejection.reason)
        if traffic is not None:
            values = params.values
            frame["params"] = (values if "access_token" not in values else
                               {**values, "access_token": mask_secret(values["access_token"])})
            record_in(environ, frame)
        envelope = actions.call(action, params)
        # communication/http.md: "如果 API 不存在，状态码为 404"
        if envelope.get("retcode") == 1404:
            return reject(environ, start_response, None, 404,
                          envelope.get("message") or f"no action {action!r}")
        # communication/http.md: "剩下的所有情况，无论操作实际成功与否，状态码都是 200"
        if traffic is not None:
            notes = params.notes
            traffic.record("http", "out", _peer(environ), envelope,
                           verdict="; ".join(notes) if notes else None)
        body = wire.body(envelope)
        start_response("200 OK", [("Content-Type", _JSON_TYPE),
                                  ("Content-Length", str(len(body))), *cors_headers])
        return [body]

    # --- the cold paths, in Flask: data files (spec-rules DATA-1..5) --------------------------
    def text_response(environ, frame: dict | None, status: int, reason: str) -> Response:
        record_rejection(environ, frame, status, reason)
        return Response(reason + "\n", status, cors_headers, mimetype="text/plain")

    def data_file(rest: str = "") -> Response:
        """A file of data_dir/<kind>/, header-only token."""
        environ = request.environ
        method = environ["REQUEST_METHOD"]
        frame = {"method": method, "data_file": rest}
        match = _DATA_PATH.fullmatch(environ["PATH_INFO"])
        if match is None:  # DATA-1: only the four kinds
            return text_response(environ, frame, 404, "data files are /data/<bface|image|"
                                                       "record|show>/<path>")
        if method != "GET":  # DATA-3: GET only
            return text_response(environ, frame, 404, "data files are served on GET only")
        kind, relative = match.groups()
        # AUTH-12: the query access_token is not consulted for data files.
        refusal = authorize(token, EnvironHeaders(environ), {}, header_only=True)
        if refusal is not None:
            return text_response(environ, frame, *refusal)
        try:  # PATH_INFO is the WSGI latin-1 form of the UTF-8 bytes
            relative = relative.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return text_response(environ, frame, 404, "file name is not valid UTF-8")
        # DATA-3: "..", an absolute path, or a symlink leading out of the kind's folder → 403.
        if ".." in relative.split("/") or relative.startswith("/") or "\0" in relative:
            return text_response(environ, frame, 403, "path leaves the data directory")
        base = os.path.join(data_dir, kind)
        target = os.path.realpath(os.path.join(base, relative))
        if os.path.commonpath([target, base]) != base:
            return text_response(environ, frame, 403, "path leaves the data directory")
        if not os.path.isfile(target):
            return text_response(environ, frame, 404, f"no file {kind}/{relative}")
        if not os.access(target, os.R_OK):
            return text_response(environ, frame, 403, f"file {kind}/{relative} is not readable")
        if traffic is not None:
            record_in(environ, frame)
            traffic.record("http", "out", _peer(environ),
                           {"status": 200, "file": f"{kind}/{relative}",
                            "bytes": os.path.getsize(target)})
        # DATA-4: application/octet-stream, Content-Disposition: attachment, Content-Length.
        response = send_file(target, mimetype="application/octet-stream", as_attachment=True,
                             download_name=os.path.basename(target), conditional=False,
                             etag=False, max_age=0)
        response.headers.extend(cors_headers)
        return response

    app = Flask(__name__)
    app.url_map.merge_slashes = False  # /data/image//etc/passwd must reach the check above
    app.url_map.add(Rule("/data/<path:rest>", endpoint="data_file", methods=None))
    app.view_functions["data_file"] = data_file

    @app.errorhandler(404)
    def unrouted(_error) -> Response:
        return text_response(request.environ, {"method": request.method, "action": None}, 404,
                             "no such path: the API is /:action")

    flask_app = app.wsgi_app
    app.wsgi_app = api
    return app
