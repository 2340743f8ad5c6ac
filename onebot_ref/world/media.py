"""The media files of image, record and video segments: what the simulated QQ keeps of them.

Spec: message/segment.md 图片 [1] (语音 and 短视频 refer to it; SEG-4..6):
"发送时，`file` 参数除了支持使用收到的图片文件名直接发送外，还支持：绝对路径 ... `file` URI、
网络 URL ... Base64 编码 ...". onebot_ref's reading (README decisions):

    base64://DATA   decoded (invalid: retcode 100 naming the segment) and saved once as
                    data_dir/<kind>/<sha1 of the bytes>.<extension from the magic bytes>; the
                    stored segment's ``file`` becomes that bare name and its ``url`` the file's
                    ``file://`` URI, as QQ turns an upload into a file name plus a URL
    http(s)://...   recorded as given, never fetched
    file:///PATH    recorded as given, never read nor copied (a path outside data_dir stays
                    unreadable: get_image answers a placeholder)
    a bare name     recorded as given (a file a message carried before)

The console shows what was sent with :func:`find`: the file of a segment's ``file`` value, only
ever inside data_dir/<kind>/.

Uploaded files (a group's or a private file, :func:`keep_upload`) follow the same rules, their
bytes in data_dir/file/<sha1>.<extension of the file's name>; an avatar is an image
(:func:`keep_image`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import urllib.parse
from pathlib import Path

from ..protocol.response import ActionError, Retcode

#: The segment types that carry a media file, each kept in the data_dir folder of its name.
MEDIA_KINDS = ("image", "record", "video")
#: The folder of uploaded files; :func:`find` looks in it as in the media folders.
FILE_KIND = "file"
STORED_KINDS = MEDIA_KINDS + (FILE_KIND,)
BASE64_PREFIX = "base64://"
#: The URIs an upload may name: its bytes, or a place recorded as given (never fetched).
UPLOAD_SCHEMES = (BASE64_PREFIX, "file://", "http://", "https://")

#: File extensions by leading bytes (offset, magic, extension), first match wins.
_MAGIC: dict[str, tuple[tuple[int, bytes, str], ...]] = {
    "image": ((0, b"\x89PNG\r\n\x1a\n", "png"), (0, b"\xff\xd8\xff", "jpg"),
              (0, b"GIF87a", "gif"), (0, b"GIF89a", "gif"), (8, b"WEBP", "webp"),
              (0, b"BM", "bmp")),
    "record": ((0, b"#!AMR", "amr"), (0, b"\x02#!SILK", "silk"), (0, b"#!SILK", "silk"),
               (0, b"ID3", "mp3"), (0, b"\xff\xfb", "mp3"), (0, b"OggS", "ogg"),
               (0, b"fLaC", "flac"), (8, b"WAVE", "wav")),
    "video": ((4, b"ftyp", "mp4"), (0, b"\x1aE\xdf\xa3", "webm")),
}
#: Content of no known type.
UNKNOWN_EXTENSION = "bin"
#: A file name that stays in its folder: no separator, no leading dot (so neither "." nor "..").
_BARE_NAME = re.compile(r"[\w-][\w.-]{0,127}")


def is_bare_name(file: str) -> bool:
    """Whether ``file`` is a plain file name, one that cannot leave its folder."""
    return bool(_BARE_NAME.fullmatch(file))


def extension(kind: str, content: bytes) -> str:
    """The file extension of ``content`` sent as a ``kind`` segment."""
    for offset, magic, ext in _MAGIC.get(kind, ()):
        if content[offset:offset + len(magic)] == magic:
            return ext
    return UNKNOWN_EXTENSION


def decode_base64(label: str, value: str, field: str = "field 'file'") -> bytes:
    """The bytes of a ``base64://`` file value; 100 naming the segment (``label``) and
    ``field`` when they are not valid standard base64 (whitespace, as line-wrapped encoders
    emit, is ignored)."""
    text = re.sub(r"\s+", "", value[len(BASE64_PREFIX):])
    where = f"{label}: {field}" if label else field
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ActionError(Retcode.BAD_PARAMS,
                          f"{where}: invalid base64 data after base64:// ({err})") from None
    if not content:
        raise ActionError(Retcode.BAD_PARAMS, f"{where}: base64:// with no data")
    return content


def keep_image(field: str, uri: str, data_dir: str | None) -> str:
    """The stored ``file`` value of an image given by URI (an avatar): a base64:// one decoded
    and saved as a message's image is; 100 naming ``field`` when it is not valid."""
    _check_upload_uri(field, uri)
    if not uri.startswith(BASE64_PREFIX):
        return uri
    content = decode_base64("", uri, field)
    name = f"{hashlib.sha1(content).hexdigest()}.{extension('image', content)}"
    if data_dir is not None:
        _write_once(os.path.join(os.path.abspath(data_dir), "image", name), content)
    return name


def keep_upload(field: str, uri: str, file_name: str, data_dir: str | None
                ) -> tuple[str, int, str]:
    """(stored, size, sha1) of an uploaded file: a ``base64://`` one decoded and saved once as
    data_dir/file/<sha1>.<extension of ``file_name``>, ``stored`` being that bare name; a
    ``file://`` or ``http(s)://`` one recorded as given (size 0, sha1 of the URI's text), never
    fetched nor read. 100 naming ``field`` for any other URI or invalid base64."""
    _check_upload_uri(field, uri)
    if not uri.startswith(BASE64_PREFIX):
        return uri, 0, hashlib.sha1(uri.encode("utf-8", "replace")).hexdigest()
    content = decode_base64("", uri, field)
    digest = hashlib.sha1(content).hexdigest()
    suffix = os.path.splitext(file_name)[1]
    name = digest + (suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else "")
    if data_dir is not None:
        _write_once(os.path.join(os.path.abspath(data_dir), FILE_KIND, name), content)
    return name, len(content), digest


def _check_upload_uri(field: str, uri: str) -> None:
    if not isinstance(uri, str) or not uri.startswith(UPLOAD_SCHEMES):
        shown = repr(uri) if not isinstance(uri, str) or len(uri) <= 40 else repr(uri[:40] + "...")
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: expected a base64://, file:// or "
                                              f"http(s):// URI, got {shown}")


def keep(segments: list[dict], data_dir: str | None, where: str = "") -> list[dict]:
    """The message as stored: every ``base64://`` media file decoded, saved under ``data_dir``
    (not saved when it is None) and replaced by its name and URL; everything else as given.
    Nothing is written before every segment has decoded. Raises ActionError(100)."""
    decoded: list[tuple[str, bytes]] = []
    out = _rewrite(segments, data_dir, where, decoded)
    if data_dir is not None:
        for path, content in decoded:
            _write_once(path, content)
    return out


def _rewrite(segments: list[dict], data_dir: str | None, where: str,
             decoded: list[tuple[str, bytes]]) -> list[dict]:
    out = []
    for index, segment in enumerate(segments):
        kind, data = segment["type"], segment.get("data") or {}
        label = f"{where}segment {index} ({kind})"
        if kind == "node" and isinstance(data.get("content"), list):
            content = _rewrite(data["content"], data_dir, f"{label} field 'content': ", decoded)
            segment = {"type": kind, "data": dict(data, content=content)}
        elif kind in MEDIA_KINDS and str(data.get("file", "")).startswith(BASE64_PREFIX):
            content = decode_base64(label, data["file"])
            name = f"{hashlib.sha1(content).hexdigest()}.{extension(kind, content)}"
            data = dict(data, file=name)
            if data_dir is not None:
                path = os.path.join(os.path.abspath(data_dir), kind, name)
                decoded.append((path, content))
                data["url"] = Path(path).as_uri()
            segment = {"type": kind, "data": data}
        out.append(segment)
    return out


def _write_once(path: str, content: bytes) -> None:
    """Content-addressed: an existing file already holds these bytes. Written under a temporary
    name and renamed, so a reader never sees half a file."""
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.{os.getpid()}.part"
    with open(partial, "wb") as fh:
        fh.write(content)
    os.replace(partial, path)


def find(data_dir: str, kind: str, file: str) -> str | None:
    """The existing file a media segment's ``file`` names, or None. Only a bare name (looked up
    in data_dir/<kind>/) or a ``file://`` URI pointing into data_dir/<kind>/ resolve; an
    ``http(s)://`` URL, an absolute or relative path, ``..`` or a symlink leading out of the
    folder never do. For the console: ``world.media_file(kind, file)``."""
    if kind not in STORED_KINDS or not isinstance(file, str):
        return None
    base = os.path.realpath(os.path.join(data_dir, kind))
    if file.startswith("file://"):
        parsed = urllib.parse.urlsplit(file)
        if parsed.netloc not in ("", "localhost"):
            return None
        from urllib.request import url2pathname  # ~30 ms of imports: only for file:// URLs

        candidate = url2pathname(parsed.path)
    elif is_bare_name(file):
        candidate = os.path.join(base, file)
    else:
        return None
    if "\0" in candidate:
        return None
    path = os.path.realpath(candidate)
    if os.path.commonpath([path, base]) != base or not os.path.isfile(path):
        return None
    return path
