"""Outgoing Milky segments -> the OneBot 11 segments the world stores (MLK-32).

The world keeps every message as a canonical OneBot 11 segment array (protocol/message.py:
``{"type", "data": {str: str}}``, adjacent text merged, empty text dropped); the Milky face
converts at its boundary. Input: the ``message`` value params.bind returned (every segment
already typed and defaulted by the IR). One row per OutgoingSegment type
(``protocol/src/ir.json`` OutgoingSegment), OneBot 11 names from ``message/segment.md``:

    text{text}                         text{text}
    mention{user_id}                   at{qq=user_id}
    mention_all{}                      at{qq=all}        (the world keeps the admin/owner rule)
    face{face_id, is_large}            face{id}, plus is_large="true" when it is (extension key)
    reply{message_seq}                 reply{id}: the OneBot message id of that message of this
                                       conversation, from the ``reply_id`` look-up; -404 if none
    image{uri, sub_type, summary?}     image{file=uri}, plus summary, and sub_type="1" for a
                                       sticker (go-cqhttp's and NapCat's image sub_type)
    record{uri}                        record{file=uri}
    video{uri, thumb_uri?}             video{file=uri}, plus thumb=thumb_uri
    forward{messages, ...}             node{user_id, nickname=sender_name, content} per
                                       forwarded message: the world stores a message of node
                                       segments as a merged forward; title, preview, summary
                                       and prompt have no OneBot form and are dropped
    light_app{json_payload}            json{data=json_payload}

Checks only the Milky side can make, each -400 naming the client's path (``message[2]...``):
a URI outside file:// http(s):// base64:// (MLK-30), a forward that is not its message's only
segment or has no messages, a preview of more than 4 or no lines, a forwarded message without
segments (MLK-31), a message empty once empty text is dropped (MLK-34). The world then makes its
own checks (at qq=all rights, recalled replies, base64 data) with its retcodes (envelope.RETCODES).
Pure: the one look-up is passed in.
"""

from __future__ import annotations

from collections.abc import Callable

from ..message import normalize
from ..response import ActionError
from .envelope import BAD_REQUEST, NOT_FOUND, MilkyError

#: "文件 URI，支持 `file://` `http(s)://` `base64://` 三种格式" (OutgoingSegment image/record/video,
#: set_avatar, set_group_avatar, send_group_announcement, upload_*_file; MLK-30).
URI_SCHEMES = ("file://", "http://", "https://", "base64://")

#: The OneBot message id of ``message_seq`` in the conversation being sent to, or None.
ReplyId = Callable[[int], "int | None"]


def check_uri(path: str, uri: str) -> str:
    """``uri`` when it has one of the three schemes; MilkyError(-400) naming ``path`` otherwise."""
    if not uri.startswith(URI_SCHEMES):
        shown = uri if len(uri) <= 40 else uri[:40] + "..."
        raise MilkyError(BAD_REQUEST, f"{path}: expected a file://, http(s):// or base64:// URI, "
                                      f"got {shown!r} (MLK-30)")
    return uri


def to_onebot(segments: list[dict], reply_id: ReplyId, where: str = "message") -> list[dict]:
    """The canonical OneBot 11 array of a bound Milky ``message``.

    ``reply_id(message_seq)`` resolves a reply in the conversation the message goes to (the
    same look-up serves the replies inside forwarded messages). ``where`` is the path of
    ``segments`` in the request, for messages. Raises MilkyError(-400, -404) only.
    """
    out: list[dict] = []
    for index, segment in enumerate(segments):
        path = f"{where}[{index}]"
        kind, data = segment["type"], segment["data"]
        if kind == "forward" and len(segments) > 1:
            # MLK-31: a merged forward is a message of its own (as A-44 for OneBot 11)
            raise MilkyError(BAD_REQUEST, f"{path}: a forward segment must be the only segment "
                                          f"of its message (this one has {len(segments)}) (MLK-31)")
        out.extend(_CONVERT[kind](data, f"{path}.data", reply_id))
    try:
        canonical = normalize(out)
    except ActionError as err:  # cannot happen for what _CONVERT builds; kept in Milky terms
        raise MilkyError(BAD_REQUEST, f"{where}: {err.message}") from None
    if not canonical:
        # MLK-34: as MSG-19, nothing to send is a bad request
        raise MilkyError(BAD_REQUEST, f"{where}: nothing to send (no segments, or only empty "
                                      f"text) (MLK-34)")
    return canonical


def _text(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    return [{"type": "text", "data": {"text": data["text"]}}]


def _mention(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    # message/segment.md @某人: "`qq` | QQ 号、`all` | @的 QQ 号，`all` 表示全体成员"
    return [{"type": "at", "data": {"qq": str(data["user_id"])}}]


def _mention_all(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    return [{"type": "at", "data": {"qq": "all"}}]


def _face(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    face = {"id": data["face_id"]}
    if data["is_large"]:  # "是否为超级表情": no OneBot field, kept so it comes back (MLK-32)
        face["is_large"] = "true"
    return [{"type": "face", "data": face}]


def _reply(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    # "被引用的消息序列号": a seq of this conversation; the world quotes by OneBot message id
    message_id = reply_id(data["message_seq"])
    if message_id is None:
        raise MilkyError(NOT_FOUND, f"{path}.message_seq: no message {data['message_seq']} in "
                                    f"this conversation (MLK-32)")
    return [{"type": "reply", "data": {"id": str(message_id)}}]


def _image(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    image = {"file": check_uri(f"{path}.uri", data["uri"])}
    if data["summary"] is not None:
        image["summary"] = data["summary"]
    if data["sub_type"] == "sticker":
        image["sub_type"] = "1"
    return [{"type": "image", "data": image}]


def _record(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    return [{"type": "record", "data": {"file": check_uri(f"{path}.uri", data["uri"])}}]


def _video(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    video = {"file": check_uri(f"{path}.uri", data["uri"])}
    if data["thumb_uri"] is not None:
        video["thumb"] = check_uri(f"{path}.thumb_uri", data["thumb_uri"])
    return [{"type": "video", "data": video}]


def _forward(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    messages = data["messages"]
    if not messages:
        raise MilkyError(BAD_REQUEST, f"{path}.messages: a forward needs at least one message "
                                      "(MLK-31)")
    preview = data["preview"]
    # "合并转发预览文本，若提供，至少 1 条，至多 4 条" (MLK-31)
    if preview is not None and not 1 <= len(preview) <= 4:
        raise MilkyError(BAD_REQUEST, f"{path}.preview: 1 to 4 lines when given, got "
                                      f"{len(preview)} (MLK-31)")
    nodes = []
    for index, message in enumerate(messages):
        content = to_onebot(message["segments"], reply_id, f"{path}.messages[{index}].segments")
        nodes.append({"type": "node", "data": {"user_id": str(message["user_id"]),
                                               "nickname": message["sender_name"],
                                               "content": content}})
    return nodes


def _light_app(data: dict, path: str, reply_id: ReplyId) -> list[dict]:
    # message/segment.md JSON 消息: "`data` | JSON 内容"
    return [{"type": "json", "data": {"data": data["json_payload"]}}]


#: OutgoingSegment type -> its converter (every one of the IR's 10 types).
_CONVERT: dict[str, Callable[[dict, str, ReplyId], list[dict]]] = {
    "text": _text, "mention": _mention, "mention_all": _mention_all, "face": _face,
    "reply": _reply, "image": _image, "record": _record, "video": _video,
    "forward": _forward, "light_app": _light_app,
}
