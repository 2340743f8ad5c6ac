"""Guided demos that need no bot: ``python -m onebot_ref demo NAME`` starts the server with a
small bot of onebot_ref's own and plays one scenario step by step while the console shows it
(the page's sequence view draws every frame; each step is a note naming the spec page and the
rule ids of docs/rules.md it demonstrates).

The demo bot is synchronous, runs in threads and uses only the wire, as any bot does:
:mod:`.wire` (an HTTP client; WebSockets through ``modes/ws_transport``) and :mod:`.listener`
(the HTTP POST receiver and reverse WebSocket endpoints onebot_ref dials). Its User-Agent and
its URLs say ``onebot_ref-demo-bot``, which is how the journal and the page label it.

- :mod:`.player`: steps, the frames they announce, playing them; :mod:`.cli`: the verb.
- The scenarios: :mod:`.scenarios_http` (``http``, ``coercion``), :mod:`.scenarios_post`
  (``quick-reply``), :mod:`.scenarios_ws` (``forward-ws``, ``heartbeat``),
  :mod:`.scenarios_reverse` (``reverse-ws``).
"""

from __future__ import annotations

import importlib

#: name -> (module, attribute) of the Demo: imported when played (``serve`` starts fast)
DEMOS = {
    "http": ("scenarios_http", "HTTP"),
    "quick-reply": ("scenarios_post", "QUICK_REPLY"),
    "forward-ws": ("scenarios_ws", "FORWARD_WS"),
    "reverse-ws": ("scenarios_reverse", "REVERSE_WS"),
    "heartbeat": ("scenarios_ws", "HEARTBEAT"),
    "coercion": ("scenarios_http", "COERCION"),
}


def get(name: str):
    """The :class:`~.player.Demo` called ``name`` (KeyError for another name)."""
    module, attribute = DEMOS[name]
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
