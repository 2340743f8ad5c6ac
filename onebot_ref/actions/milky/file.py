"""Milky 1.2 file APIs (``protocol/src/ir.json`` apiCategories "file", 文件 API): private files,
each group's file tree (world/file_side.py, world/files.py).

A ``file_uri`` is "文件 URI，支持 `file://` `http(s)://` `base64://` 三种格式" (MLK-30): the bytes
of a base64:// one are kept in data_dir, the others recorded as given and never fetched nor
read (world/media.py). Download URLs point at the Milky server (views.Context.resource_url),
except an http(s) file's, which is its own URL (MLK-50/51).
"""

from __future__ import annotations

from ...protocol.milky import entities
from ...protocol.milky.segments_out import check_uri
from ...world.media import FILE_KIND
from .views import Context


def upload_private_file(ctx: Context, user_id: int, file_uri: str, file_name: str) -> dict:
    """ir.json file upload_private_file (上传私聊文件): to a friend ("好友 QQ 号"); → "文件 ID"."""
    file_id = ctx.world.upload_private_file(user_id, check_uri("file_uri", file_uri), file_name)
    return {"file_id": file_id}


def upload_group_file(ctx: Context, group_id: int, parent_folder_id: str, file_uri: str,
                      file_name: str) -> dict:
    """ir.json file upload_group_file (上传群文件): into "目标文件夹 ID" ("/", the root, by
    default); → "文件 ID"."""
    file_id = ctx.world.upload_group_file(group_id, parent_folder_id,
                                          check_uri("file_uri", file_uri), file_name)
    return {"file_id": file_id}


def get_private_file_download_url(ctx: Context, user_id: int, file_id: str, file_hash: str) -> dict:
    """ir.json file get_private_file_download_url (获取私聊文件下载链接): the file named by its id
    and "文件的 TriSHA1 哈希值" (the simulated QQ's hash is the SHA-1 of the bytes)."""
    found = ctx.world.private_file(user_id, file_id, file_hash)
    return {"download_url": ctx.resource_url(FILE_KIND, found["stored"])}


def get_group_file_download_url(ctx: Context, group_id: int, file_id: str) -> dict:
    """ir.json file get_group_file_download_url (获取群文件下载链接): each call counts as one of
    the file's "下载次数"."""
    found = ctx.world.group_file_download(group_id, file_id)
    return {"download_url": ctx.resource_url(FILE_KIND, found["stored"])}


def get_group_files(ctx: Context, group_id: int, parent_folder_id: str) -> dict:
    """ir.json file get_group_files (获取群文件列表): the files and folders of "父文件夹 ID"; files
    never expire ("过期时的 Unix 时间戳（秒）" null)."""
    files, folders = ctx.world.group_files(group_id, parent_folder_id)
    return {"files": [entities.group_file(
                group_id=f["group_id"], file_id=f["file_id"], file_name=f["file_name"],
                parent_folder_id=f["parent_folder_id"], file_size=f["size"],
                uploaded_time=f["uploaded_time"], uploader_id=f["uploader_id"],
                downloaded_times=f["downloaded_times"]) for f in files],
            "folders": [entities.group_folder(
                group_id=d["group_id"], folder_id=d["folder_id"],
                parent_folder_id=d["parent_folder_id"], folder_name=d["folder_name"],
                created_time=d["created_time"], last_modified_time=d["last_modified_time"],
                creator_id=d["creator_id"], file_count=d["file_count"]) for d in folders]}


def move_group_file(ctx: Context, group_id: int, file_id: str, parent_folder_id: str,
                    target_folder_id: str) -> dict:
    """ir.json file move_group_file (移动群文件): from "文件所在的文件夹 ID" (-404 when it is not
    there) to "目标文件夹 ID"; the bot's own files, or any as an admin or the owner."""
    ctx.world.move_group_file(group_id, file_id, parent_folder_id, target_folder_id)
    return {}


def rename_group_file(ctx: Context, group_id: int, file_id: str, parent_folder_id: str,
                      new_file_name: str) -> dict:
    """ir.json file rename_group_file (重命名群文件)."""
    ctx.world.rename_group_file(group_id, file_id, parent_folder_id, new_file_name)
    return {}


def delete_group_file(ctx: Context, group_id: int, file_id: str) -> dict:
    """ir.json file delete_group_file (删除群文件)."""
    ctx.world.delete_group_file(group_id, file_id)
    return {}


def create_group_folder(ctx: Context, group_id: int, folder_name: str) -> dict:
    """ir.json file create_group_folder (创建群文件夹): in the root (QQ has no folder in a folder);
    an admin or the owner; → "文件夹 ID"."""
    return {"folder_id": ctx.world.create_group_folder(group_id, folder_name)}


def rename_group_folder(ctx: Context, group_id: int, folder_id: str, new_folder_name: str) -> dict:
    """ir.json file rename_group_folder (重命名群文件夹)."""
    ctx.world.rename_group_folder(group_id, folder_id, new_folder_name)
    return {}


def delete_group_folder(ctx: Context, group_id: int, folder_id: str) -> dict:
    """ir.json file delete_group_folder (删除群文件夹): with the files in it."""
    ctx.world.delete_group_folder(group_id, folder_id)
    return {}


#: In the IR's order.
FUNCTIONS = (upload_private_file, upload_group_file, get_private_file_download_url,
             get_group_file_download_url, get_group_files, move_group_file, rename_group_file,
             delete_group_file, create_group_folder, rename_group_folder, delete_group_folder)
