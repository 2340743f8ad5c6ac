"""What the fuzz modules share: the hypothesis settings, the values thrown at every parameter,
how a value travels on each transport, and the invariants checked after every example (issue 15;
README "Bad input"; BAD-*).

    runner = start_fuzz_runner(tmp_path_factory.mktemp("fuzz"))   # ONE server per module
    probe = Probe(runner)          # snapshot before, invariants after
    before = probe.before()
    ... send one call ...
    probe.after(before, refused=True)

Every answer is read with ``helpers.strict_json``, a reader independent of onebot_ref's own
(``json`` with NaN/Infinity refused, then every string checked for lone surrogates), so a
server that wrote non-strict JSON cannot pass by agreeing with itself.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from helpers import start_runner, strict_json
from onebot_ref.actions import HIDDEN, PUBLIC

#: Bounded so that make test stays well under 5 minutes on 2 cores (the fuzz modules together
#: take about a minute); failures found once are replayed first from a database outside the
#: repository. PER_ACTION: the examples for each action on each transport.
PER_ACTION = 5
FUZZ = settings(max_examples=60, deadline=None, database=DirectoryBasedExampleDatabase(
    str(Path(tempfile.gettempdir()) / "onebot_ref-hypothesis")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
TIMEOUT = 20  # seconds for one request to our own server (a 10 MB body included)
#: A body above the default max_body_bytes, so the 10 MB values reach the actions.
BIG_LIMIT = 32 * 1024 * 1024
TEN_MB = 10 * 1024 * 1024

#: Every action and its parameters, from the signatures coerce.bind reads.
ACTIONS: dict[str, Any] = {fn.__name__: fn for fn in PUBLIC} | dict(HIDDEN)
PARAMETERS = {name: list(inspect.signature(fn).parameters)[1:] for name, fn in ACTIONS.items()}

#: api/README.md and communication/ws.md: the retcodes an envelope may carry (RESP-8).
RETCODES = {0, 1, 100, 102, 103, 104, 201}
WS_RETCODES = RETCODES | {1400, 1401, 1403, 1404}
#: communication/http.md's statuses, plus what the HTTP server itself answers to a request
#: line too long for it (414) or headers too big (431).
HTTP_STATUSES = {200, 400, 401, 403, 404, 405, 406, 413, 414, 431}
#: The long-lived threads of a runner with HTTP, forward WS and the console.
THREADS = {"actions-async", "actions-rate-limited", "event-bus", "http-api", "ws-forward",
           "console"}

# --- the values ---------------------------------------------------------------------------

INT_EDGES = [0, 1, -1, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**63 - 1, 2**63, -2**63,
             -2**63 - 1, 10**30, -10**30]
#: The default world's ids: values that get past the look-ups into deeper code.
KNOWN_IDS = [10000, 10001, 10002, 10003, 10009, 20001, 20002, 20003, 1, 2, 3]
STR_EDGES = ["", "\ud800", "a\udc00b", "\udbff\udfff", "\x00", "a\x00b", "NaN", "Infinity",
             "-Infinity", "1e400", "²", "١٢", "1_000", " 12 ", "0x10", "+-1", "-0",
             str(2**63), str(10**30), "9" * 5000, "[", "{", "[]", "{}", "[1,2]", "null", "true",
             "yes", "中文", "😀", "\ud83d\ude00", "[CQ:face,id=1]", "[CQ:reply,id=99999999999]",
             "&#91;&amp;", "base64://", "base64://!!!", "file:///etc/passwd", "../../etc/passwd",
             "http://example.com/a.png", "x" * 50_000]
FLOAT_EDGES = [0.5, -0.0, 1e308, -1e308, 1e-320, float("nan"), float("inf"), float("-inf")]

#: Any code point, lone surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.one_of(st.characters(exclude_categories=()), st.sampled_from("\ud800\udbff\udc00"))
scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(INT_EDGES), st.sampled_from(KNOWN_IDS),
    st.integers(), st.sampled_from(FLOAT_EDGES), st.floats(allow_nan=True),
    st.sampled_from(STR_EDGES), st.text(ANY_CHAR, max_size=30))
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def _nested(depth: int) -> Any:
    value: Any = 1
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


#: Containers nested deeper than any reader should follow (64 levels is the limit).
deep_values = st.sampled_from([_nested(70), _nested(200), [[[]]], {}, []])

segment_values = st.one_of(st.sampled_from(INT_EDGES), st.sampled_from(STR_EDGES),
                           st.sampled_from(KNOWN_IDS).map(str), scalars)


@st.composite
def segments(draw) -> dict:
    """One segment whose data values are edge values: numbers in reply/face/at/node..."""
    kind = draw(st.sampled_from(["text", "face", "at", "reply", "node", "image", "record",
                                 "video", "contact", "poke", "location", "music", "share",
                                 "anonymous", "forward", "xml", "json", "nosuch", ""]))
    keys = {"text": ["text"], "face": ["id"], "at": ["qq"], "reply": ["id"],
            "node": ["id", "user_id", "nickname", "content"], "image": ["file", "cache", "timeout"],
            "record": ["file", "magic"], "video": ["file", "proxy"], "contact": ["type", "id"],
            "poke": ["type", "id"], "location": ["lat", "lon"], "music": ["type", "id"],
            "share": ["url", "title"], "anonymous": ["ignore"], "forward": ["id"],
            "xml": ["data"], "json": ["data"]}.get(kind, ["x"])
    data = {key: draw(segment_values) for key in keys if draw(st.integers(0, 4))}
    if kind == "node" and "content" in data and draw(st.booleans()):
        data["content"] = [{"type": "text", "data": {"text": draw(segment_values)}}]
    if kind == "contact" and draw(st.booleans()):
        data["type"] = draw(st.sampled_from(["qq", "group"]))
    return {"type": kind, "data": data}


messages = st.one_of(
    st.lists(segments(), min_size=1, max_size=3),
    segments(),
    st.sampled_from(STR_EDGES),
    st.lists(segments(), max_size=2).map(lambda segs: [{"type": "text", "data": {"text": "hi"}},
                                                        *segs]))

#: Plausible values per parameter name, so that calls also get past the first check.
PLAUSIBLE = {
    "user_id": st.sampled_from(KNOWN_IDS + INT_EDGES),
    "group_id": st.sampled_from(KNOWN_IDS + INT_EDGES),
    "message_id": st.sampled_from([1, 2, 3, 4, 5] + INT_EDGES),
    "message": messages,
    "duration": st.sampled_from(INT_EDGES + [60, 30 * 60]),
    "delay": st.sampled_from(INT_EDGES + [10**6, 2**40]),
    "times": st.sampled_from(INT_EDGES + [1, 10]),
    "file": st.sampled_from(STR_EDGES + ["1.png", "hello.jpg"]),
    "out_format": st.sampled_from(["mp3", "amr", "wav", "", "\ud800"]),
    "message_type": st.sampled_from(["private", "group", "", "\ud800"]),
    "type": st.sampled_from(["all", "talkative", "add", "invite", "\ud800"]),
    "context": st.fixed_dictionaries({"post_type": st.just("message"),
                                      "message_type": st.sampled_from(["private", "group"]),
                                      "user_id": st.sampled_from(KNOWN_IDS + INT_EDGES),
                                      "group_id": st.sampled_from(KNOWN_IDS + INT_EDGES),
                                      "message_id": st.sampled_from([1, 2] + INT_EDGES)}),
    "operation": st.fixed_dictionaries({}, optional={
        "reply": messages, "ban": json_values, "ban_duration": st.sampled_from(INT_EDGES),
        "delete": json_values, "kick": json_values, "at_sender": json_values,
        "auto_escape": json_values}),
}


def values_for(parameter: str) -> st.SearchStrategy:
    """Any JSON value, a deep one, or (half the time) a plausible one for this parameter."""
    generic = st.one_of(json_values, deep_values, messages)
    plausible = PLAUSIBLE.get(parameter)
    return generic if plausible is None else st.one_of(plausible, generic)


def params_of(action: str) -> st.SearchStrategy:
    """The parameters of one call: every parameter present or not, each with an edge value;
    sometimes an extra, unknown one."""
    @st.composite
    def build(draw) -> dict:
        params = {name: draw(values_for(name)) for name in PARAMETERS[action]
                  if draw(st.integers(0, 2))}
        if draw(st.integers(0, 9)) == 0:
            params[draw(st.sampled_from(["\ud800", "x", "", "a\x00"]))] = draw(json_values)
        return params

    return build()


# --- how a value travels ----------------------------------------------------------------------

def json_text(value: Any) -> str:
    """JSON as a careless client writes it: NaN/Infinity as bare words, lone surrogates as
    ``\\udXXX`` escapes (Python's json, ensure_ascii)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


def as_text(value: Any) -> str:
    """A value as a query or a form carries it (PARAM-1): strings as they are, everything else
    as its JSON text."""
    return value if isinstance(value, str) else json_text(value)


def urlencoded(params: dict) -> str:
    """The urlencoded form of ``params``, a lone surrogate sent as the (invalid) UTF-8 bytes a
    surrogate-passing encoder writes for it, ``%ED%A0%80``."""
    return "&".join(f"{_pct(name)}={_pct(as_text(value))}" for name, value in params.items())


def _pct(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


# --- the invariants ---------------------------------------------------------------------------

def check_envelope(envelope: Any, retcodes: set[int] = RETCODES) -> dict:
    """RESP-1..4: an object with a status matching its documented retcode; a failure saying why
    and never an internal error (an exception in our code is a bug, whatever its retcode)."""
    assert isinstance(envelope, dict) and {"status", "retcode", "data"} <= envelope.keys(), \
        envelope
    retcode, status = envelope["retcode"], envelope["status"]
    assert retcode in retcodes, envelope
    assert status == {0: "ok", 1: "async"}.get(retcode, "failed"), envelope
    assert "internal error" not in str(envelope.get("message", "")), envelope
    return envelope


def check_http_answer(response: requests.Response) -> dict | None:
    """An HTTP API answer: 200 with a strict envelope (returned), or one of the spec's 4xx with a
    one-line text reason (None). Never a 5xx."""
    assert response.status_code in HTTP_STATUSES, (response.status_code, response.text[:300])
    if response.status_code == 200:
        return check_envelope(strict_json(response.content))
    response.content.decode("utf-8")  # the reason is UTF-8 text
    return None


def refused(envelope: dict | None) -> bool:
    return envelope is None or envelope["status"] == "failed"


def _stable(world: dict) -> dict:
    """The snapshot without what the clock alone changes (a ban that ran out meanwhile)."""
    horizon = time.time() + 2
    for group in world.get("groups", []):
        for member in group.get("members", []):
            if member.get("banned_until") and member["banned_until"] <= horizon:
                member["banned_until"] = "expires"
    return world


class Probe:
    """The world before a call, and the invariants after it (README "Bad input")."""

    def __init__(self, runner):
        self.runner = runner
        self.http = runner.url("http")
        self.console = runner.url("console")

    def _get(self, path: str) -> Any:
        response = requests.get(self.console + path, timeout=TIMEOUT)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return strict_json(response.content)

    def before(self) -> dict:
        """The world, and the cursors of the message list and the journal (a message once
        stored does not change: a new one is the only change the list can show). Read in the
        process, as the console would answer them: the answers after the call go over HTTP."""
        runner = self.runner
        return {"world": _stable(runner.world.snapshot()),
                "messages": runner.world.store.last_seq(), "traffic": runner.traffic.cursor}

    def after(self, before: dict, refused_call: bool) -> None:
        # Never a dead thread: every long-lived thread of the runner is still there.
        names = {thread.name for thread in threading.enumerate()}
        assert THREADS <= names, f"threads gone: {sorted(THREADS - names)}"
        # The world answers get_status good.
        status = requests.get(self.http + "/get_status", timeout=TIMEOUT)
        assert status.status_code == 200, status.text[:300]
        assert check_envelope(strict_json(status.content))["data"]["good"] is True
        # The journal and the message list serialise (every frame and message since the call:
        # what came before was checked after the calls before).
        self._get(f"/sim/traffic?after={before['traffic']}&limit=5000")
        new = self._get(f"/sim/messages?after={before['messages']}&limit=5000")["messages"]
        # Nothing half applied: a refused call leaves the world and the messages as they were.
        if refused_call:
            assert new == [], new
            assert _stable(self.runner.world.snapshot()) == before["world"]


def start_fuzz_runner(root: Path):
    """The one server of a fuzz module: HTTP API, forward WS and the console, bodies up to
    :data:`BIG_LIMIT` so 10 MB values reach the actions."""
    return start_runner(root, use_ws=True, use_console=True, max_body_bytes=BIG_LIMIT)


@contextlib.contextmanager
def fuzz_module_runner(tmp_path_factory, name: str):
    """The module's runner; when the module is done, the whole journal and message list (not
    only what each example added) still serialise, as the console page reads them."""
    with start_fuzz_runner(tmp_path_factory.mktemp(name)) as runner:
        yield runner
        probe = Probe(runner)
        probe._get("/sim/traffic?limit=5000")
        probe._get("/sim/messages?limit=5000")
