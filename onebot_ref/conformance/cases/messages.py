"""Round trips of messages: each is sent to --user-id (or --group-id) and read back with get_msg
(message/*.md, the message parameter of api/README.md, MSG-*). They send real messages, so
they are destructive. What comes back is compared segment by segment with what was sent, by the
runner's own reading of CQ strings (:mod:`..cqstring`), never the target's."""

from __future__ import annotations

from typing import Any

from .. import cqstring, shapes
from ..ctx import Ctx
from ..model import Level, Skip, case
from .http import ok

MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
WRITE = {"destructive": True, "needs": ("http", "user")}
GROUP_WRITE = {"destructive": True, "needs": ("http", "group")}


def marker(ctx: Ctx) -> str:
    """A text no earlier message has, from the run's seed."""
    return f"conform {ctx.rand.randrange(16 ** 6):06x}"


def send(ctx: Ctx, message: Any, *, group: bool = False, how: str = "json",
         **extra: Any) -> int:
    """Send ``message`` to the test user (or group); its message_id (int32, API-1/2)."""
    action = "send_group_msg" if group else "send_private_msg"
    target = {"group_id": ctx.target.group_id} if group else {"user_id": ctx.target.user_id}
    data = ok(ctx, ctx.call(action, {**target, "message": message, **extra}, how))["data"]
    wrong = shapes.problems(data, shapes.MESSAGE_ID)
    ctx.expect(not wrong, f"{action}: " + "; ".join(wrong))
    return data["message_id"]


def read(ctx: Ctx, message_id: int) -> dict:
    data = ok(ctx, ctx.call("get_msg", {"message_id": message_id}))["data"]
    ctx.expect(isinstance(data, dict) and "message" in data, f"get_msg data: {data!r}")
    return data


def round_trip(ctx: Ctx, message: Any, expect: Any = None, **how: Any) -> Any:
    """Send, read back, compare with ``expect`` (default: the message itself); the message
    get_msg gave."""
    got = read(ctx, send(ctx, message, **how))["message"]
    wrong = cqstring.differences(message if expect is None else expect, got)
    ctx.expect(not wrong, f"get_msg gave {str(got)[:200]!r}: " + "; ".join(wrong))
    return got


FORMS = "`message` 类型的参数允许接受字符串、消息段数组、单个消息段对象三种类型的数据"


@case("api/README/7", "api/README.md#参数", MUST, ("PARAM-7", "MSG-1"),
      "a message parameter may be a CQ string", quote=FORMS, **WRITE,
      expected="send_private_msg with a string: get_msg gives the same text back")
def string_form(ctx: Ctx) -> None:
    round_trip(ctx, marker(ctx))


@case("api/README/8", "api/README.md#参数", MUST, ("PARAM-7", "MSG-2"),
      "a message parameter may be an array of segments", quote=FORMS, **WRITE,
      expected="send_private_msg with [text, face]: get_msg gives text and face id back")
def array_form(ctx: Ctx) -> None:
    round_trip(ctx, [cqstring.text(marker(ctx) + " "), {"type": "face", "data": {"id": "14"}}])


@case("api/README/9", "api/README.md#参数", MUST, ("PARAM-7", "MSG-23"),
      "a message parameter may be one segment object", quote=FORMS, **WRITE,
      expected='send_private_msg with {"type": "text", ...}: the text comes back')
def segment_form(ctx: Ctx) -> None:
    round_trip(ctx, cqstring.text(marker(ctx)))


@case("message/README/1", "message/README.md", IMPL, ("MSG-24", "A-38"),
      "the format get_msg answers in",
      quote="目前消息的格式分为两种：字符串（string）和数组（array）。", **WRITE,
      expected="reported: whether get_msg gives a CQ string or a segment array")
def get_msg_format(ctx: Ctx) -> str:
    got = read(ctx, send(ctx, marker(ctx)))["message"]
    return f"get_msg answers {'a CQ string' if isinstance(got, str) else type(got).__name__}"


@case("message/string/1", "message/string.md#cq-码格式", MUST, ("MSG-6", "MSG-7"),
      "CQ codes in a string message are parsed",
      quote="消息中的多媒体内容使用 CQ 码来表示，形如 `[CQ:face,id=178]`", **WRITE,
      expected="send [CQ:face,id=178]<text>: get_msg has a face segment with id 178, then "
               "the text")
def cq_parsed(ctx: Ctx) -> None:
    text = marker(ctx)
    round_trip(ctx, f"[CQ:face,id=178]{text}",
               [{"type": "face", "data": {"id": "178"}}, cqstring.text(text)])


@case("message/string/2", "message/string.md#转义", MUST, ("MSG-9", "MSG-11", "MSG-12"),
      "the spec's escaping example reads back as the plain text",
      quote="- &#91;x&#93; 使用 `&amp;data` 获取地址", **WRITE,
      expected="send '- &#91;x&#93; 使用 `&amp;data` 获取地址': the text '- [x] 使用 `&data` "
               "获取地址' comes back")
def escaped_text(ctx: Ctx) -> None:
    suffix = " " + marker(ctx)
    round_trip(ctx, "- &#91;x&#93; 使用 `&amp;data` 获取地址" + suffix,
               cqstring.text("- [x] 使用 `&data` 获取地址" + suffix))


def as_string(ctx: Ctx, text: str) -> str:
    got = read(ctx, send(ctx, [cqstring.text(text)]))["message"]
    if not isinstance(got, str):
        raise Skip("get_msg answers segment arrays: no CQ string to look at")
    return got


@case("message/string/3", "message/string.md#转义", MUST, ("MSG-9", "MSG-17"),
      "in a CQ string, text escapes & [ ] (and leaves the comma)",
      quote="因此消息中的纯文本内容需要对特殊字符进行转义，以避免歧义", **WRITE,
      expected="send the text 'a,b&[c]': get_msg (when it answers strings) has "
               "'a,b&amp;&#91;c&#93;'")
def string_escapes(ctx: Ctx) -> None:
    tail = marker(ctx)
    got = as_string(ctx, f"a,b&[c] {tail}")
    ctx.expect(f"a,b&amp;&#91;c&#93; {tail}" in got, f"get_msg gave {got!r}")


@case("message/array/1", "message/array.md#消息段", MUST, ("MSG-4", "MSG-5"),
      "text segments are real values: nothing in them is escaped",
      quote="由于消息段不会将纯文本和多媒体内容放在一起，也就意味着任意一个字段的值都是真实值，而不再需要转义。",
      **WRITE, expected="send [text '&#91; & [x]']: the same characters come back")
def array_unescaped(ctx: Ctx) -> None:
    round_trip(ctx, [cqstring.text(f"&#91; & [x] {marker(ctx)}")])


@case("message/array/2", "message/array.md#消息段", MUST, "MSG-3",
      "segment data values are strings", quote="几乎所有消息段参数值类型均为字符串", **WRITE,
      expected="get_msg (when it answers arrays): every data value of text and face a string")
def data_strings(ctx: Ctx) -> None:
    got = read(ctx, send(ctx, [cqstring.text(marker(ctx)), {"type": "face",
                                                             "data": {"id": "14"}}]))["message"]
    if not isinstance(got, list):
        raise Skip("get_msg answers CQ strings: no segment data to look at")
    wrong = [f"{s.get('type')}.{k} = {v!r}" for s in got if isinstance(s, dict)
             for k, v in (s.get("data") or {}).items() if not isinstance(v, str)]
    ctx.expect(not wrong, "; ".join(wrong))


@case("message/array/3", "message/array.md#消息段", MUST, ("MSG-22", "A-29"),
      "a segment's data may be null", quote="此字段可为 null", **WRITE,
      expected='send [text, {"type": "dice", "data": null}]: ok, text and dice come back')
def data_null(ctx: Ctx) -> None:
    round_trip(ctx, [cqstring.text(marker(ctx)), {"type": "dice", "data": None}])


@case("message/array/4", "message/array.md#消息段", MUST, ("MSG-5", "MSG-17"),
      "a text segment becomes plain text in a CQ string, not [CQ:text]",
      quote="在将上面的消息段转成 CQ 码时，将会直接变成纯文本字符串，而不是真的转成 CQ 码。", **WRITE,
      expected="send [text]: get_msg (when it answers strings) has the text, no [CQ:text")
def text_not_cq(ctx: Ctx) -> None:
    tail = marker(ctx)
    got = as_string(ctx, tail)
    ctx.expect("[CQ:text" not in got and tail in got, f"get_msg gave {got!r}")


@case("message/segment/1", "message/segment.md#qq-表情", MUST, "SEG-3",
      "a face segment keeps its id", quote="| `id` | ✓ | ✓ |", **WRITE,
      expected='send {"type": "face", "data": {"id": "178"}}: face id 178 back')
def face(ctx: Ctx) -> None:
    round_trip(ctx, [{"type": "face", "data": {"id": "178"}}, cqstring.text(marker(ctx))])


@case("message/segment/2", "message/segment.md#某人", MUST, "SEG-7",
      "an at segment in a group keeps its qq", quote="| `qq` | ✓ | ✓ | QQ 号、`all` | @的 QQ 号，`all` "
                                                  "表示全体成员 |",
      destructive=True, needs=("http", "group", "user"),
      expected="send_group_msg [at qq=<user>, text]: at qq=<user> back")
def at(ctx: Ctx) -> None:
    round_trip(ctx, [{"type": "at", "data": {"qq": str(ctx.target.user_id)}},
                     cqstring.text(" " + marker(ctx))], group=True)


@case("message/segment/3", "message/segment.md#回复", MUST, "SEG-16",
      "a reply segment keeps the id it answers", quote="| `id` | ✓ | ✓ | - | 回复时引用的消息 ID |",
      **GROUP_WRITE, expected="send_group_msg [reply id=<an earlier message>, text]: reply id "
                              "back")
def reply(ctx: Ctx) -> None:
    first = send(ctx, marker(ctx), group=True)
    round_trip(ctx, [{"type": "reply", "data": {"id": str(first)}},
                     cqstring.text(marker(ctx))], group=True)


@case("communication/http/47", "communication/http.md#请求", MUST, ("HTTP-19", "HTTP-6"),
      "the spec's example: GET /send_private_msg?user_id=...&message=hello sends hello",
      quote="在浏览器中访问 `http://127.0.0.1:5700/send_private_msg?user_id=1000010000&message=hello` "
            "即可给 QQ 号为 `1000010000` 的好友发送私聊消息 `hello`", **WRITE,
      expected="GET /send_private_msg?user_id=<user>&message=hello...: get_msg gives that text")
def spec_example(ctx: Ctx) -> None:
    text = f"hello {marker(ctx)}"
    round_trip(ctx, text, how="query")


@case("communication/http/48", "communication/http.md#请求", MUST, "HTTP-6",
      "in an urlencoded form, + is a space and %XX a byte of UTF-8",
      quote="当使用 query 参数或 urlencoded 表单传递参数时，参数值必须进行 urlencode。", **WRITE,
      expected="form message=a+b%E4%BD%A0...: get_msg gives 'a b你...'")
def form_decoding(ctx: Ctx) -> None:
    text = f"a b你 {marker(ctx)}"  # the form encoder writes ' ' as + and 你 as %E4%BD%A0
    round_trip(ctx, text, how="form")
