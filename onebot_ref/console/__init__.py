"""The console: play the other QQ users and watch every frame (its own server, never a mode's port).

``create_app(runner)`` is the Flask app the runner serves on ``console_host:console_port``:

    GET /                 the web page (static/index.html; no build step, no CDN)
    GET /static/...       its script and style sheet
    GET /kinds.json       the notice / request kinds the page's event form offers (kinds.py)
    /sim/...              the JSON API (api.py; docs/console-api.md)

Access: on a loopback host the console is open, like any local development server. On any
other host (config.py refuses that without ``access_token``) every page and ``/sim`` request
must carry the access token, in the forms of communication/authorization.md: the header
``Authorization: Bearer <token>`` or the query ``?access_token=<token>``; 401 when missing,
403 when wrong, as the HTTP API answers.

The app is in ``app.py`` and Flask is imported only when a console is made: the command-line
verbs (``say``, ``tail``, ``doctor``) and a ``serve`` with ``use_console: false`` start without
it (``bench/bench_startup.py``).
"""

from __future__ import annotations


def create_app(runner):
    """The console app for ``runner`` (anything with config, world and traffic attributes)."""
    from .app import create_app as make

    return make(runner)
