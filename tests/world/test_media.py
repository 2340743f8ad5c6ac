"""Media segments (image, record, video) against the world and the HTTP API, over real sockets:
`file` as base64:// (decoded into data_dir/<kind>/<sha1>.<ext>), http(s):// (recorded, never
fetched) and file:// (recorded, never read outside data_dir); get_image / get_record answer a
file inside data_dir whatever the name (SEG-4..6, API-31/32, DATA-3's rule for paths).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from helpers import http_call, http_data
from onebot_ref.protocol.response import ActionError
from onebot_ref.world.media import MEDIA_KINDS, extension, find

GROUP = 20001  # the bot is its owner in the default world
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAABQAAAAVCAIAAADJt1n/AAAAKElEQVQ4EWPk5+RmIBcwkasR"
                       "pG9UM4mhNxpgowFGMARGEwnBIEJVAAAdBgBNAZf+QAAAAABJRU5ErkJggg==")  # segment.md
SECRET = b"top secret, outside data_dir\n"


def b64(content: bytes) -> str:
    return "base64://" + base64.b64encode(content).decode()


def send(runner, message) -> int:
    return http_data(runner, "send_group_msg", group_id=GROUP, message=message)["message_id"]


def stored_segments(runner, message_id: int) -> list[dict]:
    return http_data(runner, "get_msg", message_id=message_id)["message"]


def inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return os.path.commonpath([real, os.path.realpath(folder)]) == os.path.realpath(folder)


@pytest.fixture
def runner(make_runner):
    with make_runner(post_message_format="array") as started:
        yield started


# --- base64:// ------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["array", "cq-string"])
def test_base64_image_is_decoded_into_the_data_dir(runner, form):
    """SEG-4 base64: the bytes land in data_dir/image/<sha1>.png; get_msg shows the file name and
    a file:// url (what QQ does with an upload); get_image answers that very file (API-32)."""
    file = b64(PNG)
    message = ([{"type": "image", "data": {"file": file, "type": "flash"}}] if form == "array"
               else f"[CQ:image,file={file},type=flash]")
    segment = stored_segments(runner, send(runner, message))[0]
    name = hashlib.sha1(PNG).hexdigest() + ".png"
    path = os.path.join(runner.data_dir, "image", name)
    assert segment == {"type": "image", "data": {"file": name, "type": "flash",
                                                 "url": Path(path).as_uri()}}
    assert Path(path).read_bytes() == PNG
    assert http_data(runner, "get_image", file=name)["file"] == path
    assert runner.world.media_file("image", name) == path  # the console's look-up
    # raw_message stays short: the CQ string names the file, not the base64 text
    assert "base64://" not in runner.world.get_message(runner.world.store.last_seq())["raw_message"]


@pytest.mark.parametrize("kind, content, ext", [
    ("image", PNG, "png"), ("image", b"\xff\xd8\xff\xe0JFIF", "jpg"), ("image", b"GIF89a..", "gif"),
    ("image", b"RIFF\0\0\0\0WEBPVP8 ", "webp"), ("record", b"#!AMR\n..", "amr"),
    ("record", b"\x02#!SILK_V3", "silk"), ("record", b"ID3\x03..", "mp3"),
    ("record", b"RIFF\0\0\0\0WAVEfmt ", "wav"), ("video", b"\0\0\0\x18ftypmp42", "mp4"),
    ("image", b"plain text", "bin"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_the_extension_comes_from_the_content(kind, content, ext):
    assert extension(kind, content) == ext


def test_base64_record_and_video_and_get_record(runner):
    """SEG-5/6 and API-31: a record or video goes to its own folder; get_record answers the
    kept file when out_format is its format, else a placeholder inside data_dir/record."""
    amr = b"#!AMR\n" + bytes(range(64))
    video = b"\0\0\0\x18ftypmp42" + bytes(32)
    mid = send(runner, [{"type": "record", "data": {"file": b64(amr)}}])
    record_name = stored_segments(runner, mid)[0]["data"]["file"]
    mid = send(runner, [{"type": "video", "data": {"file": b64(video)}}])
    video_name = stored_segments(runner, mid)[0]["data"]["file"]
    assert Path(runner.data_dir, "record", record_name).read_bytes() == amr
    assert Path(runner.data_dir, "video", video_name).read_bytes() == video
    assert record_name.endswith(".amr") and video_name.endswith(".mp4")
    kept = http_data(runner, "get_record", file=record_name, out_format="amr")["file"]
    assert kept == os.path.join(runner.data_dir, "record", record_name)
    converted = http_data(runner, "get_record", file=record_name, out_format="mp3")["file"]
    assert converted.endswith(".mp3") and inside(converted, os.path.join(runner.data_dir,
                                                                         "record"))


@pytest.mark.parametrize("message, label", [
    ([{"type": "text", "data": {"text": "x"}}, {"type": "image", "data": {"file": "base64://!!"}}],
     "segment 1 (image): field 'file'"),
    ("[CQ:record,file=base64://abc]", "segment 0 (record): field 'file'"),
    ([{"type": "video", "data": {"file": "base64://"}}], "segment 0 (video): field 'file'"),
    ([{"type": "node", "data": {"user_id": "1", "nickname": "n", "content": [
        {"type": "image", "data": {"file": "base64://%%%"}}]}}],
     "segment 0 (node) field 'content': segment 0 (image): field 'file'"),
], ids=["SEG-4-bad-alphabet", "SEG-5-bad-padding", "SEG-6-empty", "SEG-19-inside-a-node"])
def test_bad_base64_is_100_naming_the_segment(runner, message, label):
    before = runner.world.store.last_seq()
    envelope = http_call(runner, "send_group_msg", group_id=GROUP, message=message)
    assert envelope["retcode"] == 100, envelope
    assert label in envelope["message"] and "base64" in envelope["message"]
    assert runner.world.store.last_seq() == before  # nothing stored
    assert not any(Path(runner.data_dir, kind).exists() for kind in MEDIA_KINDS)  # no file


def test_a_later_bad_segment_writes_no_file(runner):
    """Nothing is written before every segment decoded."""
    envelope = http_call(runner, "send_group_msg", group_id=GROUP, message=[
        {"type": "image", "data": {"file": b64(PNG)}},
        {"type": "image", "data": {"file": "base64://?"}}])
    assert envelope["retcode"] == 100 and "segment 1 (image)" in envelope["message"]
    assert not os.path.exists(os.path.join(runner.data_dir, "image"))


def test_base64_inside_a_merged_forward_is_kept_too(runner):
    mid = send(runner, [{"type": "node", "data": {"user_id": "10001", "nickname": "Alice",
                                                  "content": [{"type": "image",
                                                               "data": {"file": b64(PNG)}}]}}])
    forward_id = stored_segments(runner, mid)[0]["data"]["id"]
    image = http_data(runner, "get_forward_msg", id=forward_id)["message"][0]["data"]["content"][0]
    assert image["data"]["file"] == hashlib.sha1(PNG).hexdigest() + ".png"
    assert runner.world.media_file("image", image["data"]["file"]) is not None


def test_a_user_may_send_base64_and_bad_base64_is_refused(runner):
    """The console's users go through the same rule (bad input: ActionError, a 400)."""
    event = runner.world.receive_private_message(10001, [{"type": "image",
                                                          "data": {"file": b64(PNG)}}])
    name = event["message"][0]["data"]["file"]
    assert event["raw_message"] == (f"[CQ:image,file={name},url="
                                    f"{event['message'][0]['data']['url']}]")
    assert http_data(runner, "get_image", file=name)["file"] == \
        runner.world.media_file("image", name)
    with pytest.raises(ActionError, match=r"segment 0 \(image\): field 'file'"):
        runner.world.receive_private_message(10001, "[CQ:image,file=base64://*]")


# --- http(s):// and file:// -------------------------------------------------------------------

def test_http_url_is_recorded_as_given_and_never_fetched(runner, fakebot):
    """SEG-4 network URL: the simulated QQ does not download it (the fake bot's server, which
    the URL names, receives no request); get_image answers a placeholder in data_dir."""
    url = fakebot.post_url + "cat.png?size=1&x=2"
    mid = send(runner, [{"type": "image", "data": {"file": url, "cache": "0"}}])
    assert stored_segments(runner, mid) == [{"type": "image", "data": {"file": url,
                                                                       "cache": "0"}}]
    path = http_data(runner, "get_image", file=url)["file"]
    assert inside(path, os.path.join(runner.data_dir, "image")) and path.endswith(".png")
    assert fakebot.posts == []  # nothing fetched, during the send or get_image
    assert runner.world.media_file("image", url) is None


def test_file_uri_inside_the_data_dir_is_answered_as_is(runner):
    path = Path(runner.data_dir, "image", "cat.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    mid = send(runner, f"[CQ:image,file={path.as_uri()}]")
    assert stored_segments(runner, mid)[0]["data"] == {"file": path.as_uri()}
    assert http_data(runner, "get_image", file=path.as_uri())["file"] == str(path)
    assert runner.world.media_file("image", path.as_uri()) == str(path)
    assert runner.world.media_file("image", "cat.png") == str(path)


def crafted_names(data_dir: str, secret: Path) -> list[str]:
    image_dir = os.path.join(data_dir, "image")
    return [
        "../../" + secret.name,                                  # relative traversal
        "../" * 12 + str(secret).lstrip("/"),                    # deep traversal
        str(secret),                                              # an absolute path
        secret.as_uri(),                                          # file:// outside data_dir
        Path(image_dir, "..", "..", secret.name).as_uri(),        # file:// climbing out
        "file://" + str(secret).replace("/", "%2F"),             # encoded separators
        "link.png",                                               # a symlink leading out
        "..",
    ]


@pytest.mark.parametrize("kind, action, extra", [
    ("image", "get_image", {}), ("record", "get_record", {"out_format": "mp3"})],
    ids=["API-32-get_image", "API-31-get_record"])
def test_crafted_file_names_never_reach_outside_the_data_dir(runner, tmp_path, kind, action,
                                                             extra):
    """A file:// or a path outside data_dir is recorded as given but never read nor copied:
    get_image / get_record answer a placeholder inside data_dir/<kind>; the console's look-up
    finds nothing."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(SECRET)
    folder = Path(runner.data_dir, kind)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "link.png").symlink_to(secret)
    for name in crafted_names(runner.data_dir, secret):
        mid = send(runner, [{"type": kind, "data": {"file": name}}])
        assert stored_segments(runner, mid)[0]["data"]["file"] == name  # recorded as given
        path = http_data(runner, action, file=name, **extra)["file"]
        assert inside(path, str(folder)), (name, path)
        assert Path(path).read_bytes() != SECRET, name
        assert runner.world.media_file(kind, name) is None, name
    assert secret.read_bytes() == SECRET  # untouched
    assert {p.name for p in folder.iterdir()} - {"link.png"}  # placeholders were written


def test_get_image_of_a_name_no_message_carried_is_102(runner):
    """API-32: the file of a received (or sent) image; anything else is no target."""
    for name in ("never-sent.png", "/etc/passwd", "file:///etc/passwd"):
        assert http_call(runner, "get_image", file=name)["retcode"] == 102


@pytest.mark.parametrize("file", ["cat.png", "../cat.png", "/etc/passwd", "file:///etc/passwd",
                                  "http://example.com/cat.png", "base64://AAAA", ".", ""])
def test_find_resolves_only_inside_the_kind_folder(tmp_path, file):
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "cat.png").write_bytes(PNG)
    (tmp_path / "cat.png").write_bytes(SECRET)
    found = find(str(tmp_path), "image", file)
    assert found == (str(tmp_path / "image" / "cat.png") if file == "cat.png" else None)
    assert find(str(tmp_path), "bface", "cat.png") is None  # only media kinds
