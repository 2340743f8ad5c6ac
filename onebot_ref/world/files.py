"""Files as the simulated QQ keeps them: each group's file tree, and the files sent in private.

Plain data and the pure checks of the tree; the operations that take the lock, check the bot's
rights and publish are world/file_side.py. The bytes are world/media.py's (``keep_upload``):
``stored`` is a bare name in data_dir/file/ or the URI as it was given.

QQ's group files, as the simulated QQ reads them: the root folder ``/`` holds files and
folders; a folder holds files only (QQ allows no folder inside a folder). A file or folder id
is a string the world makes up (``file-3``, ``folder-2``); names are 1 to 255 characters with
no ``/``, ``\\`` or NUL, and two folders of a group never share a name (MLK-51).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..protocol.response import ActionError, Retcode

#: The root folder's id.
ROOT = "/"
#: The longest file or folder name (QQ's and common file systems' limit).
NAME_MAX = 255
_BAD_NAME_CHARACTERS = ("/", "\\", "\0")


@dataclass
class StoredFile:
    """An uploaded file: its name and what world/media.py kept of its bytes."""

    file_id: str
    file_name: str
    size: int  # bytes; 0 when only a URI was recorded
    sha1: str  # of the bytes (of the URI's text when only a URI was recorded)
    stored: str  # a bare name in data_dir/file/, or the URI as given
    uploader_id: int
    uploaded_time: int


@dataclass
class GroupFile(StoredFile):
    """A file of a group's tree."""

    parent_folder_id: str = ROOT
    downloaded_times: int = 0


@dataclass
class PrivateFile(StoredFile):
    """A file sent in a private chat (by the bot or its peer)."""

    user_id: int = 0  # the bot's peer in that chat


@dataclass
class Folder:
    """A folder of a group's tree (always in the root)."""

    folder_id: str
    folder_name: str
    creator_id: int
    created_time: int
    last_modified_time: int
    parent_folder_id: str = ROOT


@dataclass
class FileTree:
    """One group's files and folders, by id."""

    files: dict[str, GroupFile] = field(default_factory=dict)
    folders: dict[str, Folder] = field(default_factory=dict)

    def folder_exists(self, folder_id: str) -> bool:
        return folder_id == ROOT or folder_id in self.folders

    def require_folder(self, group_id: int, field_name: str, folder_id: str) -> None:
        """102 when ``folder_id`` (the request's ``field_name``) is no folder of this group."""
        if not self.folder_exists(folder_id):
            raise ActionError(Retcode.NO_TARGET, f"{field_name}: no folder {_show(folder_id)} "
                                                 f"in the files of group {group_id}")

    def require_file(self, group_id: int, file_id: str,
                     parent_folder_id: str | None = None) -> GroupFile:
        """The file ``file_id`` (102 when there is none, or it is not in ``parent_folder_id``
        when that is given: "文件所在的文件夹 ID")."""
        found = self.files.get(file_id)
        if found is None:
            raise ActionError(Retcode.NO_TARGET, f"file_id: no file {_show(file_id)} in the "
                                                 f"files of group {group_id}")
        if parent_folder_id is not None and found.parent_folder_id != parent_folder_id:
            raise ActionError(Retcode.NO_TARGET, f"parent_folder_id: file {_show(file_id)} is "
                                                 f"in folder {_show(found.parent_folder_id)}, "
                                                 f"not {_show(parent_folder_id)}")
        return found

    def require_own_folder(self, group_id: int, folder_id: str) -> Folder:
        """A folder that can be renamed or deleted: not the root (100), existing (102)."""
        if folder_id == ROOT:
            raise ActionError(Retcode.BAD_PARAMS, "folder_id: the root folder / cannot be "
                                                  "renamed or deleted")
        found = self.folders.get(folder_id)
        if found is None:
            raise ActionError(Retcode.NO_TARGET, f"folder_id: no folder {_show(folder_id)} in "
                                                 f"the files of group {group_id}")
        return found

    def require_free_folder_name(self, field_name: str, name: str) -> None:
        if any(folder.folder_name == name for folder in self.folders.values()):
            raise ActionError(Retcode.BAD_PARAMS, f"{field_name}: a folder named {_show(name)} "
                                                  f"already exists")

    def files_in(self, folder_id: str) -> list[GroupFile]:
        return [f for f in self.files.values() if f.parent_folder_id == folder_id]

    def folders_in(self, folder_id: str) -> list[Folder]:
        return [f for f in self.folders.values() if f.parent_folder_id == folder_id]


def check_name(field_name: str, name: str) -> str:
    """A file or folder name: 1..255 characters without / \\ or NUL (100 otherwise)."""
    if not isinstance(name, str) or not name.strip():
        raise ActionError(Retcode.BAD_PARAMS, f"{field_name}: a name must not be empty")
    if len(name) > NAME_MAX:
        raise ActionError(Retcode.BAD_PARAMS, f"{field_name}: at most {NAME_MAX} characters, "
                                              f"got {len(name)}")
    if any(bad in name for bad in _BAD_NAME_CHARACTERS):
        raise ActionError(Retcode.BAD_PARAMS, f"{field_name}: a name cannot hold /, \\ or NUL")
    return name


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")
