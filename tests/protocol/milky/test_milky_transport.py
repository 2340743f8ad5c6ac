"""The pure transport rules (protocol/milky/transport.py): MLK-4/5, MLK-10..12, MLK-16."""

from __future__ import annotations

import pytest

from onebot_ref.protocol.milky import transport


@pytest.mark.parametrize("header, token", [
    ("Bearer t0k", "t0k"), ("bearer t0k", "t0k"), ("BEARER  t 0", "t 0"), (" Bearer t ", "t"),
    (None, None), ("", None), ("Bearer", None), ("Bearer  ", None), ("Token t0k", None),
    ("t0k", None),
])
def test_bearer_MLK_10(header, token):
    assert transport.bearer(header) == token


def test_event_token_header_or_query_header_first_MLK_12():
    assert transport.event_token("Bearer h", "q") == "h"
    assert transport.event_token(None, "q") == "q"
    assert transport.event_token("Basic x", "q") == "q"  # no Bearer: the query is read
    assert transport.event_token(None, "") is None and transport.event_token(None, None) is None


def test_refused_is_401_for_missing_and_wrong_alike_MLK_4():
    assert not transport.refused("", None) and not transport.refused("", "anything")
    assert transport.refused("s", None) and transport.refused("s", "S")
    assert not transport.refused("s", "s") and not transport.refused("令牌", "令牌")


@pytest.mark.parametrize("upgrade, websocket", [
    ("websocket", True), ("WebSocket", True), ("h2c, websocket", True), (None, False),
    ("none", False), ("", False), ("websockets", False),
])
def test_websocket_or_sse_by_upgrade_MLK_11(upgrade, websocket):
    assert transport.wants_websocket(upgrade) is websocket


@pytest.mark.parametrize("content_type, ok", [
    ("application/json", True), ("application/json; charset=utf-8", True),
    ("Application/JSON", True), (None, False), ("", False), ("text/plain", False),
    ("application/x-www-form-urlencoded", False), ("application/jsonp", False),
])
def test_content_type_MLK_5(content_type, ok):
    assert transport.is_json(content_type) is ok


def test_webhook_headers_MLK_16():
    assert transport.webhook_headers("") == {"Content-Type": "application/json"}
    assert transport.webhook_headers("s") == {"Content-Type": "application/json",
                                              "Authorization": "Bearer s"}
