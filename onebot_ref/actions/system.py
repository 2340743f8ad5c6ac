"""Credentials, media files, status and maintenance actions (api/public.md,
API-28..37). Credentials are simulated but deterministic for a given bot account."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import platform
import re

from .. import __version__
from ..protocol.coerce import File, Milliseconds
from ..protocol.response import ActionError, Retcode
from ..world import media
from .context import Context

log = logging.getLogger(__name__)

#: Returned by an action that only starts something (set_restart): the envelope is "async".
ASYNC = object()

#: api/public.md#get_record: out_format "目前支持 mp3、amr、wma、m4a、spx、ogg、wav、flac"
RECORD_FORMATS = ("mp3", "amr", "wma", "m4a", "spx", "ogg", "wav", "flac")

# Placeholder media: a 1x1 transparent PNG and 0.1 s of silent 8 kHz WAV (the simulated world
# has no real pictures or voices; the file exists so the bot can open it).
_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChw"
                        "GA60e6kgAAAABJRU5ErkJggg==")
_WAV = (b"RIFF" + (36 + 800).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (8000).to_bytes(4, "little")
        + (8000).to_bytes(4, "little") + (1).to_bytes(2, "little") + (8).to_bytes(2, "little")
        + b"data" + (800).to_bytes(4, "little") + b"\x80" * 800)


def _skey(self_id: int, salt: str = "") -> str:
    return "@" + hashlib.sha1(f"onebot_ref:{self_id}:{salt}".encode()).hexdigest()[:9]


def _csrf_token(skey: str) -> int:
    """QQ's bkn: the CSRF token derived from skey (djb-like hash, int32 positive)."""
    value = 5381
    for char in skey:
        value += (value << 5) + ord(char)
    return value & 0x7FFFFFFF


def _cookies(self_id: int, domain: str) -> str:
    cookies = f"uin=o{self_id}; skey={_skey(self_id)}; p_uin=o{self_id}"
    if domain:  # a domain-bound key, as QQ's p_skey
        cookies += f"; p_skey={_skey(self_id, domain)[1:]}"
    return cookies


def get_cookies(ctx: Context, domain: str = "") -> dict:
    """api/public.md#get_cookies → {cookies} (API-28)."""
    return {"cookies": _cookies(ctx.world.self_id, domain)}


def get_csrf_token(ctx: Context) -> dict:
    """api/public.md#get_csrf_token → {token: int32} (API-29)."""
    return {"token": _csrf_token(_skey(ctx.world.self_id))}


def get_credentials(ctx: Context, domain: str = "") -> dict:
    """api/public.md#get_credentials: "即上面两个接口的合并" (API-30)."""
    return {"cookies": _cookies(ctx.world.self_id, domain),
            "csrf_token": _csrf_token(_skey(ctx.world.self_id))}


def _media_path(ctx: Context, kind: str, file: str, extension: str | None = None) -> str:
    """The placeholder file for a received or sent ``kind`` segment, always inside
    data_dir/<image|record>; 102 when no such media exists in the history."""
    if not file:
        raise ActionError(Retcode.BAD_PARAMS, "parameter 'file': must not be empty")
    if not ctx.world.has_media(kind, file):
        raise ActionError(Retcode.NO_TARGET, f"no received or sent {kind} with file {file!r} "
                                             f"(use the 'file' of a {kind} segment)")
    # A file the world kept (a base64:// upload, a file:// inside data_dir/<kind>/: see
    # world/media.py) is answered as it is, when no conversion is asked for.
    kept = media.find(ctx.data_dir, kind, file)
    if kept is not None and extension in (None, os.path.splitext(kept)[1][1:]):
        return kept
    # Otherwise a placeholder. A bare name is kept; anything else (a URL, a path) gets a name
    # derived from it, and so does a name whose file leads out of data_dir (a symlink): a file
    # outside data_dir is never read, nor written.
    suffix = os.path.splitext(file.split("?")[0])[1]
    derived = hashlib.sha1(file.encode()).hexdigest() + (
        suffix if re.fullmatch(r"\.\w{1,5}", suffix) else "")
    folder = os.path.join(ctx.data_dir, kind)
    os.makedirs(folder, exist_ok=True)
    for name in ((file, derived) if media.is_bare_name(file) else (derived,)):
        if extension is not None:
            name = os.path.splitext(name)[0] + "." + extension
        path = os.path.join(folder, name)
        if not os.path.lexists(path):
            try:
                with open(path, "xb") as fh:
                    fh.write(_PNG if kind == "image" else _WAV)
                return path
            except FileExistsError:  # written meanwhile by another request: check it below
                pass
        if media.find(ctx.data_dir, kind, name) is not None:  # a regular file inside
            return path
    raise ActionError(Retcode.NOT_PERMITTED, f"the {kind} file for {file!r} in data_dir leads "
                                             f"outside it (a symlink?); not answered")


def get_record(ctx: Context, file: File, out_format: str) -> dict:
    """api/public.md#get_record → {file: "转换后的语音文件路径"} (API-31)."""
    if out_format not in RECORD_FORMATS:
        raise ActionError(Retcode.BAD_PARAMS, f"parameter 'out_format': expected one of "
                                              f"{', '.join(RECORD_FORMATS)}, got {out_format!r}")
    return {"file": _media_path(ctx, "record", file, out_format)}


def get_image(ctx: Context, file: File) -> dict:
    """api/public.md#get_image → {file: "下载后的图片文件路径"} (API-32)."""
    return {"file": _media_path(ctx, "image", file)}


def can_send_image(ctx: Context) -> dict:
    """api/public.md#can_send_image (API-33): the simulated QQ sends anything."""
    return {"yes": True}


def can_send_record(ctx: Context) -> dict:
    """api/public.md#can_send_record (API-33)."""
    return {"yes": True}


def get_status(ctx: Context) -> dict:
    """api/public.md#get_status (API-34): "online 当前 QQ 在线 ... good 状态符合预期，意味着各模块正常
    运行、功能正常"; booleans (META-10). Extras ("OneBot 实现自行添加的其它内容"): the legacy app_*
    keys, uptime in seconds, the world's counters, and ``problems``, one line per worker that
    should run and does not, which makes ``good`` false (SUP-2)."""
    problems = ctx.actions.workers.problems()
    good = not problems
    return {"online": True, "good": good, "app_initialized": True, "app_enabled": True,
            "app_good": good, "uptime": int(ctx.world.clock.time() - ctx.started_at),
            "stat": ctx.world.stats(), "problems": problems}


def get_version_info(ctx: Context) -> dict:
    """api/public.md#get_version_info → app_name, app_version, protocol_version "v11" (API-35)."""
    return {"app_name": "onebot_ref", "app_version": __version__, "protocol_version": "v11",
            "python_version": platform.python_version()}


def set_restart(ctx: Context, delay: Milliseconds = 0) -> object:
    """api/public.md#set_restart (API-36): "需要异步地重启，接口返回的 status 是 async"; the
    restart runs ``delay`` ms later on the async worker (``Actions.on_restart``). BAD-3: a
    delay past Milliseconds' range is refused with 100 before anything is scheduled (it used to
    raise OverflowError inside the worker, which died)."""
    actions = ctx.actions

    def restart() -> None:
        if actions._stopping.wait(delay / 1000):
            return
        if actions.on_restart is None:
            log.info("set_restart: nothing to restart (no restart hook)")
        else:
            actions.on_restart()

    actions.schedule(restart)
    return ASYNC


def clean_cache(ctx: Context) -> None:
    """api/public.md#clean_cache: "用于清理积攒了太多的缓存文件" (API-37): the simulated world
    keeps no cache; the placeholder media files stay (they are cheap and a bot may hold a path)."""
    return None
