"""The console's Flask app: ``create_app(runner)`` (see the package's docstring for what it serves
and who may see it)."""

from __future__ import annotations

import os

from flask import Flask, Response, jsonify, request, send_from_directory
from flask.json.provider import DefaultJSONProvider

from ..protocol import wire
from ..protocol.auth import authorize
from . import kinds
from .api import sim

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")
#: The hosts config.py accepts without an access_token.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: Public assets: no world data, and a browser cannot add a header to <script src>.
_OPEN_PATHS = ("/static/", "/kinds.json", "/favicon.ico")


class WireJSON(DefaultJSONProvider):
    """The console's JSON answers in the form of everything else onebot_ref writes (GEN-3):
    compact, Chinese text readable rather than escaped, and the fields in the order the world
    gives them (events keep the spec's field order). Reading request bodies stays Flask's."""

    def dumps(self, obj, **kwargs) -> str:
        return wire.dumps(obj)


def needs_token(config) -> bool:
    return bool(config.access_token) and config.console_host not in LOOPBACK_HOSTS


def create_app(runner) -> Flask:
    """The console app for ``runner`` (anything with config, world and traffic attributes)."""
    app = Flask(__name__, static_folder=None)
    app.config["RUNNER"] = runner
    app.json = WireJSON(app)
    app.register_blueprint(sim)

    @app.before_request
    def _check_access_token():
        if not needs_token(runner.config) or request.path.startswith(_OPEN_PATHS):
            return None
        refusal = authorize(runner.config.access_token, request.headers, request.args)
        if refusal is None:
            return None
        status, reason = refusal
        runner.traffic.record("console", "in", request.remote_addr or "",
                              {"method": request.method}, verdict=f"{status}: {reason}",
                              path=request.full_path.rstrip("?"),
                              headers=dict(request.headers))
        response = jsonify(error=reason)
        response.status_code = status
        return response

    @app.get("/")
    def index() -> Response:
        response = send_from_directory(STATIC_DIR, "index.html")
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        response = send_from_directory(STATIC_DIR, name)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/kinds.json")
    def kinds_json() -> Response:
        return jsonify(kinds=kinds.describe(), self_id=runner.world.self_id)

    @app.errorhandler(404)
    def _not_found(err) -> Response:
        response = jsonify(error=f"no such console endpoint: {request.method} {request.path} "
                                 "(see GET /sim/world, POST /sim/private_message, ...)")
        response.status_code = 404
        return response

    @app.errorhandler(405)
    def _wrong_method(err) -> Response:
        allowed = ", ".join(sorted(set(err.valid_methods or ()) - {"HEAD", "OPTIONS"}))
        response = jsonify(error=f"{request.method} is not allowed on {request.path} "
                                 f"(use {allowed})")
        response.status_code = 405
        response.headers["Allow"] = allowed
        return response

    return app
