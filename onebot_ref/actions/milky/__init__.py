"""The Milky 1.2 face's actions: one function per API, named after it, and the one dispatcher.

Spec: Milky 1.2, pinned in docs/rules.md (MLK-*); ``protocol/src/ir.json`` is the table of every
API (``protocol/milky/apis.py``). Each function is ``fn(ctx, **inputs) -> data`` over the world
and cites its row (category and name) of the IR; the modules follow the IR's categories:
system.py, message.py, friend.py, group.py + group_notices.py, file.py. views.py shapes the
world's facts as Milky structs; render.py turns bus items into Milky events.

The contract the Milky transports build on (they own sockets, threads, config and the journal;
nothing here starts a thread)::

    milky = MilkyActions(world, config=None, base_url="http://127.0.0.1:3000")
    milky.base_url = "http://host:port"     # once the server listens: temp and download URLs
    milky.exists(name) -> bool              # False: the transport answers HTTP 404 (MLK-3)
    milky.call(name, body, channel=None) -> envelope    # never raises
    milky.observers                         # observer(name, params, envelope, channel)
    milky.render(published) -> Event | None # a bus item as the Milky event (memoised per item)
    milky.text(published) -> str | None     # its one wire text (protocol/milky/sse.encode)
    milky.verdict(published) -> str         # for the journal: the event_type, or why none
    milky.is_self_message(published) -> bool    # the bot's own message (a config may drop it)
    milky.bot_offline(reason) -> Event      # to send when the server stops
    milky.resource_path(kind, name) -> path | None  # the file GET <base_url>/res/<kind>/<name>
                                                    # serves (views.RESOURCE_PATH), or 404

``call``: ``body`` is the decoded JSON (the transport has checked the strict JSON itself,
MLK-40); the binder (protocol/milky/params.bind) answers -400 naming the field, the world's
``ActionError`` becomes -400/-404/-403 (protocol/milky/envelope.RETCODES), anything else is a
bug of onebot_ref: logged with its traceback, answered -500. An unknown name answers -404
(the transport, having asked ``exists``, never sends one).

Events: subscribe a "push" sink with ``bus.add_sink(sink, "push", also_facts_only=True)`` (the
facts-only items are the changes OneBot 11 has no event for), before the world publishes: it
builds facts only while such a sink exists (``bus.wants_facts``); call ``render`` / ``text`` in
it; every client of the face shares the one rendering of an item.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from ...protocol.milky import apis, sse
from ...protocol.milky import events as milky_events
from ...protocol.milky.envelope import (
    NOT_FOUND,
    MilkyError,
    failed,
    from_error,
    from_world_error,
    internal_error,
    ok,
)
from ...protocol.milky.params import bind
from ...protocol.response import ActionError
from ...world import media
from . import file, friend, group, group_notices, message, render, system
from .views import Context

log = logging.getLogger(__name__)

#: Every API's function, by name: the IR's 64 (tests/actions/milky check the two are equal).
FUNCTIONS: dict[str, Callable] = {
    fn.__name__: fn for fn in (system.FUNCTIONS + message.FUNCTIONS + friend.FUNCTIONS
                               + group.FUNCTIONS + group_notices.FUNCTIONS + file.FUNCTIONS)}

#: The memo keys of a bus item (bus.Published.memo).
_RENDERED, _TEXT = "milky.event", "milky.text"


class MilkyActions:
    """The Milky API table over one world, and the renderer of its events."""

    def __init__(self, world: Any, config: Any = None,
                 base_url: str = "http://127.0.0.1:3000"):
        self.world, self.config = world, config
        self.ctx = Context(world, base_url)
        #: called after every call a transport made, as ``Actions.observers`` (the console's
        #: call log): ``observer(name, params, envelope, channel)``, ``params`` the bound
        #: inputs (a dict), or the body as sent when it did not bind
        self.observers: list[Callable[[str, dict, dict, str], None]] = []

    @property
    def base_url(self) -> str:
        return self.ctx.base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self.ctx.base_url = url.rstrip("/")

    # --- the API ---------------------------------------------------------------------------
    def exists(self, name: str) -> bool:
        return apis.exists(name)

    def call(self, name: str, body: Any, channel: str | None = None) -> dict:
        """The envelope of one call of API ``name`` with the decoded request ``body``;
        ``channel``: the transport that carried it (the observers are told), None for a call
        from inside onebot_ref."""
        params: dict | None = None
        fn = FUNCTIONS.get(name) if isinstance(name, str) else None
        if fn is None:
            envelope = failed(NOT_FOUND, f"unknown API {str(name)[:60]!r}")
        else:
            try:
                params = bind(apis.APIS[name], body)
                envelope = ok(fn(self.ctx, **params))
            except MilkyError as err:
                envelope = from_error(err)
            except ActionError as err:
                envelope = from_world_error(err)
            except Exception as err:  # a bug: record it, answer anyway (MLK-9)
                log.exception("Milky API %s failed unexpectedly", name)
                envelope = internal_error(err)
        if self.observers and channel is not None:
            shown = params if params is not None else body if isinstance(body, dict) else {}
            for observer in self.observers:
                observer(name, shown, envelope, channel)
        return envelope

    # --- events ----------------------------------------------------------------------------
    def render(self, published: Any) -> dict | None:
        """The Milky Event of a bus item, or None when it has none; computed once per item."""
        return published.memo(_RENDERED, lambda: self._render(published))

    def _render(self, published: Any) -> dict | None:
        try:
            return render.render(self.ctx, published.event, published.facts)
        except Exception:  # a bug must not stop the bus: the item is not sent
            log.exception("rendering a Milky event failed (facts kind %r)",
                          (published.facts or {}).get("kind"))
            return None

    def text(self, published: Any) -> str | None:
        """The wire text of the item's event (WebSocket message, WebHook body, SSE data)."""
        def encode() -> str | None:
            event = self.render(published)
            return None if event is None else sse.encode(event)
        return published.memo(_TEXT, encode)

    def verdict(self, published: Any) -> str:
        event = self.render(published)
        if event is not None:
            return event["event_type"]
        return render.no_form(published.event, published.facts)

    def is_self_message(self, published: Any) -> bool:
        facts = published.facts or {}
        return facts.get("kind") == "message" and facts["record"]["from_self"]

    def bot_offline(self, reason: str) -> dict:
        """bot_offline (机器人离线事件): "下线原因"."""
        return milky_events.bot_offline(self.world.now(), self.world.self_id, reason=reason)

    # --- files -----------------------------------------------------------------------------
    def resource_path(self, kind: str, name: str) -> str | None:
        """The file a resource or download URL names: a kept file inside data_dir/<kind>/
        (world/media.find: no path leaves it), else None."""
        data_dir = self.world.data_dir
        return None if data_dir is None else media.find(data_dir, kind, name)


def uin_warning(world: Any) -> str | None:
    """One line when the world holds a QQ or group number outside Milky's uin range (MLK-20,
    MLK-59): strict clients (typed bindings, ``zUin``) refuse such a number in an event or an
    answer, and cannot name it in a request. None when every number fits."""
    from ...protocol.milky.schema import UIN_MAX, UIN_MIN

    with world.lock:
        numbers = {world.self_id, *world.accounts, *world.groups}
        for group in world.groups.values():
            numbers.update(group.members)
    outside = sorted(n for n in numbers if not UIN_MIN <= n <= UIN_MAX)
    if not outside:
        return None
    shown = ", ".join(map(str, outside[:3])) + (f" and {len(outside) - 3} more"
                                                 if len(outside) > 3 else "")
    bot = " (the bot)" if world.self_id in outside else ""
    return (f"Milky: {shown}{bot} outside the uin range {UIN_MIN}..{UIN_MAX} (MLK-20): a "
            f"strict Milky client refuses them; set world.self.user_id >= {UIN_MIN}")
