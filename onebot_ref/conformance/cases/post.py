"""communication/http-post.md, by listening: what every POST of the run carried (POST-1/2/5).
The target must post to the runner's ``--listen-post`` address; heartbeats and lifecycle events
are events too, so a target with heartbeats on posts without anyone writing to the bot. The
cases are late (run last): a target that posts neither (NapCat, LLOneBot) is judged on the
notices the destructive cases' writes caused."""

from __future__ import annotations

import hashlib
import hmac

from ..ctx import Ctx
from ..http_client import strict_json
from ..listeners import Post
from ..model import Fail, Level, NonStrict, Skip, case

P = "communication/http-post.md"
MUST, IMPL = Level.MUST, Level.IMPL


def body(post: Post) -> dict:
    try:
        value = strict_json(post.body)
    except ValueError as err:
        raise Fail(f"a POST body is not JSON ({err}): {post.body[:200]!r}") from None
    if not isinstance(value, dict):
        raise Fail(f"a POST body is not a JSON object: {post.body[:200]!r}")
    return value


@case("communication/http-post/1", P, MUST, ("POST-1", "POST-4"),
      "events are POSTed as JSON objects",
      quote="向配置指定的事件上报 URL 通过 POST 请求发送事件数据，事件数据以 JSON 格式表示", needs="post",
      late=True,
      expected="every request at the receiver: method POST, body a JSON object")
def posted_json(ctx: Ctx) -> str:
    posts = ctx.posts()
    for post in posts:
        ctx.expect(post.method == "POST", f"a {post.method} request, not POST")
        body(post)
    return f"{len(posts)} POSTs"


@case("communication/http-post/2", P, MUST, "POST-2", "a POST says Content-Type: application/json",
      quote="Content-Type: application/json", needs="post", late=True,
      expected="every POST: Content-Type application/json (parameters allowed)")
def content_type(ctx: Ctx) -> None:
    for post in ctx.posts():
        kind = (post.header("Content-Type") or "").split(";")[0].strip().lower()
        ctx.expect(kind == "application/json",
                   f"Content-Type {post.header('Content-Type')!r}")


@case("communication/http-post/3", P, MUST, "POST-2",
      "X-Self-ID is the bot's account, the body's self_id",
      quote="请求头中的 `X-Self-ID` 表示当前正在上报的机器人 QQ 号，和请求正文 JSON 中的 `self_id` 一致。",
      needs="post", late=True,
      expected="every POST: X-Self-ID == the body's self_id == get_login_info's "
                             "user_id")
def self_id_header(ctx: Ctx) -> None:
    me = ctx.login_id()
    for post in ctx.posts():
        sent, event = post.header("X-Self-ID"), body(post)
        ctx.expect(sent == str(event.get("self_id")),
                   f"X-Self-ID {sent!r}, the body's self_id {event.get('self_id')!r}")
        ctx.expect(event.get("self_id") == me, f"self_id {event.get('self_id')!r}, the bot is {me}")


@case("communication/http-post/4", f"{P}#签名", MUST, ("POST-5", "AUTH-11"),
      "X-Signature is sha1= and the HMAC-SHA1 of the raw body with the secret",
      quote="签名以 `secret` 作为密钥，HTTP 正文作为消息，进行 HMAC SHA1 哈希", needs=("post", "secret"),
      late=True,
      expected="every POST: X-Signature: sha1=<lower-case hex of HMAC-SHA1(secret, body)>")
def signature(ctx: Ctx) -> str:
    posts, loose = ctx.posts(), 0
    for post in posts:
        want = "sha1=" + hmac.new(ctx.target.secret.encode(), post.body, hashlib.sha1).hexdigest()
        sent = post.header("X-Signature")
        if sent is None:
            raise Fail("a POST has no X-Signature header")
        if not hmac.compare_digest(sent.encode(), want.encode()):
            if sent.lower() != want:
                raise Fail(f"X-Signature {sent!r} is not the HMAC of the body bytes sent "
                           f"(expected {want})")
            loose += 1
    if loose:
        raise NonStrict(f"{loose} signature(s) right but not in lower case")
    return f"{len(posts)} POSTs verified over their raw bytes"


@case("communication/http-post/5", f"{P}#签名", IMPL, "POST-6",
      "without a secret known to the runner: whether POSTs are signed",
      quote="如果配置中给出了 `secret`，即签名密钥，则会在每次上报的请求头中加入 HMAC 签名", needs="post",
      expected="reported: whether X-Signature is sent (give --secret to verify it)")
def unsigned(ctx: Ctx) -> str:
    if ctx.target.secret:
        raise Skip("--secret was given: communication/http-post/4 verifies the signature")
    posts = ctx.posts()
    signed = sum(p.header("X-Signature") is not None for p in posts)
    return f"{signed} of {len(posts)} POSTs carry X-Signature"
