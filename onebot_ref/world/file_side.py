"""Files: each group's file tree (world/files.py) and the files sent in private chats.

Built on :class:`~onebot_ref.world.core.WorldCore`. The bytes of an upload are world/media.py's
(``keep_upload``: ``base64://`` decoded into data_dir/file/, ``file://`` and ``http(s)://``
recorded as given, never read nor fetched). Every check comes first (100 bad input, 102 no such
group, member, folder or file, 103 not allowed), then the change:

    group_files(group_id, folder_id) -> ([file facts], [folder facts])
    upload_group_file(group_id, folder_id, uri, name, user_id=None) -> file_id
        OneBot 11's group_upload notice (event/notice.md#群文件上传), its uploader as user_id
    group_file_download(group_id, file_id) -> file facts      counts a download
    move_group_file(group_id, file_id, parent_id, target_id)   the uploader, an admin or the
    rename_group_file(group_id, file_id, parent_id, name)      owner
    delete_group_file(group_id, file_id)
    create_group_folder(group_id, name) -> folder_id           an admin or the owner
    rename_group_folder(group_id, folder_id, name)
    delete_group_folder(group_id, folder_id)                   its files go with it
    upload_private_file(user_id, uri, name, from_self=True) -> file_id   facts-only
    private_file(user_id, file_id, sha1) -> file facts                   (private_file)

``user_id`` None / ``from_self`` is the bot; the console's users pass theirs
(world/injected_more.py).
"""

from __future__ import annotations

from ..protocol import events
from ..protocol.response import ActionError, Retcode
from . import facts, media
from .core import WorldCore
from .files import ROOT, Folder, GroupFile, PrivateFile, check_name
from .model import Group

#: A group holds at most this many files and folders, and the world this many private files
#: (QQ's space is finite too; a fuzzer's uploads must be).
FILES_MAX, FOLDERS_MAX, PRIVATE_FILES_MAX = 1000, 100, 1000
#: event/notice.md#群文件上传 ``busid``: "文件 busid（目前不清楚有什么作用）"; QQ's usual one.
BUSID = 102


class FileSide(WorldCore):
    """Group and private files; see the module docstring."""

    def _may_manage(self, group: Group, uploader_id: int, what: str) -> None:
        """The bot manages the files it uploaded; others' as an admin or the owner (103)."""
        if uploader_id != self.self_id:
            self.require_role(group, "admin", what)

    def group_files(self, group_id: int, folder_id: str) -> tuple[list[dict], list[dict]]:
        with self.lock:
            tree = self.group(group_id).files
            tree.require_folder(group_id, "parent_folder_id", folder_id)
            return ([facts.group_file(group_id, f) for f in tree.files_in(folder_id)],
                    [facts.folder(group_id, f, len(tree.files_in(f.folder_id)))
                     for f in tree.folders_in(folder_id)])

    def upload_group_file(self, group_id: int, folder_id: str, uri: str, name: str,
                          user_id: int | None = None) -> str:
        with self.lock:
            field = None if user_id is None else "group_id"
            group = self.group(group_id, field)
            uploader = self.self_id if user_id is None else self.member(group, user_id,
                                                                       "user_id").user_id
            tree = group.files
            tree.require_folder(group_id, "parent_folder_id", folder_id)
            check_name("file_name", name)
            if len(tree.files) >= FILES_MAX:
                raise ActionError(Retcode.NOT_PERMITTED, f"group {group_id} already has "
                                                         f"{FILES_MAX} files")
            stored, size, sha1 = media.keep_upload("file_uri", uri, name, self.data_dir)
            now = self.now()
            file = GroupFile(self.new_id("file"), name, size, sha1, stored, uploader, now,
                             parent_folder_id=folder_id)
            tree.files[file.file_id] = file
            if folder_id != ROOT:
                tree.folders[folder_id].last_modified_time = now
            self.publish(events.group_upload(
                self.self_id, now, group_id=group_id, user_id=uploader,
                file={"id": file.file_id, "name": name, "size": size, "busid": BUSID}),
                {"kind": "group_upload", "file": facts.group_file(group_id, file)})
            return file.file_id

    def group_file_download(self, group_id: int, file_id: str) -> dict:
        with self.lock:
            file = self.group(group_id).files.require_file(group_id, file_id)
            file.downloaded_times += 1
            return facts.group_file(group_id, file)

    def move_group_file(self, group_id: int, file_id: str, parent_id: str,
                        target_id: str) -> None:
        with self.lock:
            group = self.group(group_id)
            file = group.files.require_file(group_id, file_id, parent_id)
            group.files.require_folder(group_id, "target_folder_id", target_id)
            self._may_manage(group, file.uploader_id, "move_group_file")
            file.parent_folder_id = target_id

    def rename_group_file(self, group_id: int, file_id: str, parent_id: str,
                          name: str) -> None:
        with self.lock:
            group = self.group(group_id)
            file = group.files.require_file(group_id, file_id, parent_id)
            check_name("new_file_name", name)
            self._may_manage(group, file.uploader_id, "rename_group_file")
            file.file_name = name

    def delete_group_file(self, group_id: int, file_id: str) -> None:
        with self.lock:
            group = self.group(group_id)
            file = group.files.require_file(group_id, file_id)
            self._may_manage(group, file.uploader_id, "delete_group_file")
            del group.files.files[file_id]

    def create_group_folder(self, group_id: int, name: str) -> str:
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "create_group_folder")
            check_name("folder_name", name)
            group.files.require_free_folder_name("folder_name", name)
            if len(group.files.folders) >= FOLDERS_MAX:
                raise ActionError(Retcode.NOT_PERMITTED, f"group {group_id} already has "
                                                         f"{FOLDERS_MAX} folders")
            now = self.now()
            folder = Folder(self.new_id("folder"), name, self.self_id, now, now)
            group.files.folders[folder.folder_id] = folder
            return folder.folder_id

    def rename_group_folder(self, group_id: int, folder_id: str, name: str) -> None:
        with self.lock:
            group = self.group(group_id)
            folder = group.files.require_own_folder(group_id, folder_id)
            check_name("new_folder_name", name)
            if name != folder.folder_name:
                group.files.require_free_folder_name("new_folder_name", name)
            self.require_role(group, "admin", "rename_group_folder")
            folder.folder_name, folder.last_modified_time = name, self.now()

    def delete_group_folder(self, group_id: int, folder_id: str) -> None:
        with self.lock:
            group = self.group(group_id)
            group.files.require_own_folder(group_id, folder_id)
            self.require_role(group, "admin", "delete_group_folder")
            for file in group.files.files_in(folder_id):
                del group.files.files[file.file_id]
            del group.files.folders[folder_id]

    # --- private files ----------------------------------------------------------------------
    def upload_private_file(self, user_id: int, uri: str, name: str,
                            from_self: bool = True) -> str:
        """A file sent in the chat with friend ``user_id``: by the bot, or (``from_self``
        false) by the friend."""
        with self.lock:
            field = None if from_self else "user_id"
            if user_id not in self.friends:
                self.account(user_id, field)
                raise ActionError(Retcode.NO_TARGET, f"{'' if from_self else 'user_id: '}user "
                                                     f"{user_id} is not a friend of the bot")
            check_name("file_name", name)
            stored, size, sha1 = media.keep_upload("file_uri", uri, name, self.data_dir)
            now = self.now()
            file = PrivateFile(self.new_id("file"), name, size, sha1, stored,
                               self.self_id if from_self else user_id, now, user_id=user_id)
            self.private_files[file.file_id] = file
            while len(self.private_files) > PRIVATE_FILES_MAX:
                del self.private_files[next(iter(self.private_files))]
            self.publish_facts({"kind": "private_file", "user_id": user_id,
                                "file": facts.private_file(file), "from_self": from_self,
                                "time": now})
            return file.file_id

    def private_file(self, user_id: int, file_id: str, sha1: str) -> dict:
        """A private file of the chat with ``user_id``, named by its id and hash (102)."""
        with self.lock:
            file = self.private_files.get(file_id)
            if file is None or file.user_id != user_id or file.sha1 != sha1:
                shown = file_id[:40]
                raise ActionError(Retcode.NO_TARGET, f"file_id: no file {shown!r} with that "
                                                     f"file_hash in the chat with {user_id}")
            return facts.private_file(file)
