"""Stored OneBot 11 segments -> incoming Milky segments (MLK-33), never an unknown type (MLK-29).

Input: a canonical OneBot 11 array as the world stores it (protocol/message.py). Output: a
list of IncomingSegment values (``protocol/src/ir.json`` IncomingSegment), every type one of
the IR's 13: compatibility.md asks a client to turn an unknown type into text, but
nonebot-adapter-milky drops the whole event on one, so the server does it (PLACEHOLDERS).

    text{text}                  text{text}
    at{qq=N}                    mention{user_id, name}: name from ``mention_name`` (the card or
                                nickname, without "@"); a qq that is no QQ number: text "@qq"
    at{qq=all}                  mention_all{}
    face{id}                    face{face_id, is_large}: is_large from the extension key
    reply{id}                   reply{message_seq, sender_id, sender_name, time, segments} from
                                ``reply``; the quoted message's own replies are left out (one
                                level, as QQ shows a quote); an unknown id: text "[回复]"
    image / record / video      image{resource_id, temp_url, width, height, summary, sub_type}
                                / record{..., duration} / video{..., width, height, duration}
                                from ``media`` (sizes 0 when it does not know them); sub_type
                                "sticker" for the extension sub_type "1"
    forward{id}                 forward{forward_id, title, preview, summary}, made from its
                                nodes (``forward``) as QQ words them (forward_card)
    json{data}                  light_app{app_name (its "app" key, or ""), json_payload}
    xml{data}                   xml{service_id (resid, or serviceID="N", or 0), xml_payload}
    file{file_id, file_name, file_size, file_hash?}
                                file{...}: the form the world is to store files in
    anything else               text naming it (PLACEHOLDERS): rps, dice, shake, poke,
                                anonymous, share, contact, location, music, node, ...

The look-ups come from the action layer (:class:`Lookups`); every function here is pure and
total: any canonical array converts, whatever its data holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .schema import UIN_MAX, UIN_MIN


@dataclass(frozen=True)
class Lookups:
    """What converting a stored message needs from the world, for one conversation."""

    #: user_id -> the name to show for an @ of them (group card, else nickname), or None
    mention_name: Callable[[int], str | None]
    #: OneBot message id -> {"message_seq", "sender_id", "time", "segments" (OneBot 11), and
    #: optionally "sender_name"}, or None when the world has no such message
    reply: Callable[[int], dict | None]
    #: (kind, the OneBot data of an image/record/video) -> {"resource_id", "temp_url", and
    #: optionally "width", "height", "duration"}
    media: Callable[[str, dict], dict]
    #: forward id -> its OneBot node segments, or None
    forward: Callable[[str], list[dict] | None]


#: OneBot-only segment types -> the text they become (MLK-29). Anything else unknown: "[type]".
PLACEHOLDERS: dict[str, Callable[[dict], str]] = {
    "rps": lambda d: "[猜拳]",
    "dice": lambda d: "[骰子]",
    "shake": lambda d: "[窗口抖动]",
    "poke": lambda d: "[戳一戳]",
    "anonymous": lambda d: "[匿名]",
    "share": lambda d: " ".join(filter(None, ("[分享]", d.get("title"), d.get("url")))),
    "contact": lambda d: ("[推荐群] " if d.get("type") == "group" else "[推荐好友] ")
                         + str(d.get("id", "")),
    "location": lambda d: " ".join(filter(None, ("[位置]", d.get("title"),
                                                 d.get("content")))),
    "music": lambda d: " ".join(filter(None, ("[音乐]", d.get("title")))),
    "node": lambda d: "[合并转发]",
}

#: How a segment shows in a forward's preview lines (QQ's own words).
_PREVIEW_WORDS = {"image": "[图片]", "record": "[语音]", "video": "[视频]", "face": "[表情]",
                  "forward": "[聊天记录]", "json": "[小程序]", "xml": "[卡片消息]",
                  "file": "[文件]"}


def to_milky(segments: list[dict], look: Lookups, *, quoted: bool = False) -> list[dict]:
    """The IncomingSegment list of a stored message. ``quoted``: these are the segments of a
    quoted message (reply segments then left out)."""
    out = []
    for segment in segments:
        kind, data = segment.get("type"), segment.get("data") or {}
        if kind == "reply" and quoted:
            continue
        convert = _CONVERT.get(kind)
        out.append(convert(data, look) if convert else _placeholder(kind, data))
    return out


def forward_card(nodes: list[dict]) -> dict:
    """title, preview and summary of a merged forward, as QQ shows one: "群聊的聊天记录", up to 4
    lines "nickname: text", "查看N条转发消息"."""
    preview = []
    for node in nodes[:4]:
        data = node.get("data") or {}
        preview.append(f"{data.get('nickname', '')}: {plain_text(data.get('content') or [])}")
    return {"title": "群聊的聊天记录", "preview": preview, "summary": f"查看{len(nodes)}条转发消息"}


def plain_text(segments: Any) -> str:
    """A one-line rendering of OneBot 11 segments: text as it is, others as QQ words them."""
    if not isinstance(segments, list):
        return str(segments)
    words = []
    for segment in segments:
        kind, data = segment.get("type"), segment.get("data") or {}
        if kind == "text":
            words.append(str(data.get("text", "")))
        elif kind == "at":
            words.append(f"@{data.get('qq', '')}")
        else:
            words.append(_PREVIEW_WORDS.get(kind) or _placeholder(kind, data)["data"]["text"])
    return "".join(words).replace("\n", " ")


def _text_segment(text: str) -> dict:
    return {"type": "text", "data": {"text": text}}


def _placeholder(kind: Any, data: dict) -> dict:
    render = PLACEHOLDERS.get(kind)
    return _text_segment(render(data) if render else f"[{kind}]")


def _uin(value: Any) -> int | None:
    text = str(value)
    if text.isascii() and text.isdigit() and UIN_MIN <= int(text) <= UIN_MAX:
        return int(text)
    return None


def _int(value: Any, high: int = 2**31 - 1) -> int:
    """An int 0..high from a look-up's or a stored value (int32 unless said), 0 when it has
    none: the IR's sizes and durations are never null."""
    if type(value) is not int:
        text = str(value)
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0
    return value if 0 <= value <= high else 0


def _text(data: dict, look: Lookups) -> dict:
    return _text_segment(str(data.get("text", "")))


def _at(data: dict, look: Lookups) -> dict:
    qq = data.get("qq", "")
    if qq == "all":
        return {"type": "mention_all", "data": {}}
    user_id = _uin(qq)
    if user_id is None:
        return _text_segment(f"@{qq}")
    # "去掉 `@` 前缀的提及的名称"
    name = look.mention_name(user_id)
    return {"type": "mention", "data": {"user_id": user_id, "name": name or str(user_id)}}


def _face(data: dict, look: Lookups) -> dict:
    return {"type": "face", "data": {"face_id": str(data.get("id", "")),
                                     "is_large": data.get("is_large") == "true"}}


def _reply(data: dict, look: Lookups) -> dict:
    message_id = str(data.get("id", ""))
    target = look.reply(int(message_id)) if message_id.isascii() and message_id.isdigit() \
        else None
    if target is None:
        return _text_segment("[回复]")
    return {"type": "reply", "data": {
        "message_seq": target["message_seq"], "sender_id": target["sender_id"],
        # "被引用的消息发送者名称，仅在合并转发中能够获取"
        "sender_name": target.get("sender_name"), "time": target["time"],
        "segments": to_milky(target["segments"], look, quoted=True)}}


def _media(kind: str) -> Callable[[dict, Lookups], dict]:
    def convert(data: dict, look: Lookups) -> dict:
        found = look.media(kind, data)
        out = {"resource_id": str(found["resource_id"]), "temp_url": str(found["temp_url"])}
        if kind in ("image", "video"):
            out["width"], out["height"] = _int(found.get("width")), _int(found.get("height"))
        if kind == "image":
            out["summary"] = str(data.get("summary", ""))
            out["sub_type"] = "sticker" if data.get("sub_type") == "1" else "normal"
        else:
            out["duration"] = _int(found.get("duration"))
        return {"type": kind, "data": out}
    return convert


def _forward(data: dict, look: Lookups) -> dict:
    forward_id = str(data.get("id", ""))
    card = forward_card(look.forward(forward_id) or [])
    return {"type": "forward", "data": {"forward_id": forward_id, **card}}


def _json(data: dict, look: Lookups) -> dict:
    payload = str(data.get("data", ""))
    try:
        app = json.loads(payload).get("app", "")
    except (ValueError, AttributeError, RecursionError):
        app = ""
    return {"type": "light_app", "data": {"app_name": app if isinstance(app, str) else "",
                                          "json_payload": payload}}


def _xml(data: dict, look: Lookups) -> dict:
    payload = str(data.get("data", ""))
    found = re.search(r'serviceID\s*=\s*["\']?(\d{1,9})', payload)
    service_id = _int(data.get("resid")) or _int(found.group(1) if found else 0)
    return {"type": "xml", "data": {"service_id": service_id, "xml_payload": payload}}


def _file(data: dict, look: Lookups) -> dict:
    return {"type": "file", "data": {
        "file_id": str(data.get("file_id", "")), "file_name": str(data.get("file_name", "")),
        "file_size": _int(data.get("file_size"), 2**63 - 1),
        "file_hash": str(data.get("file_hash") or "") or None}}


#: Stored OneBot 11 type -> its converter; a type missing here becomes a placeholder.
_CONVERT: dict[str, Callable[[dict, Lookups], dict]] = {
    "text": _text, "at": _at, "face": _face, "reply": _reply, "image": _media("image"),
    "record": _media("record"), "video": _media("video"), "forward": _forward, "json": _json,
    "xml": _xml, "file": _file,
}
