"""The console: play the other QQ users and watch every frame (its own server, never a mode's port).

:class:`Console` is the runner's mode ``console`` (built from the same ``modes.Parts`` as every
mode); its ``app``, ``create_app(parts)``, is the Flask app served on
``console_host:console_port``:

    GET /                 the web page (static/index.html; no build step, no CDN)
    GET /static/...       its script and style sheet
    GET /kinds.json       the notice / request kinds the page's event form offers (kinds.py)
    /sim/...              the JSON API (api.py; docs/console-api.md)

Access: on a loopback host the console is open, like any local development server. On any
other host (config.py refuses that without ``access_token``) every page and ``/sim`` request
must carry the access token, in the forms of communication/authorization.md: the header
``Authorization: Bearer <token>`` or the query ``?access_token=<token>``; 401 when missing,
403 when wrong, as the HTTP API answers.

The mode and the app are in ``app.py``, so that importing this package does not import Flask:
the command-line verbs (``say``, ``tail``, ``doctor``) and a ``serve`` with
``use_console: false`` start without it (``bench/bench_startup.py``).
"""
