"""Paths given by clients, kept inside the server's root directory.

Every file the server reads or writes for a client (exports, renders, audio to analyse) goes
through :func:`resolve_inside`: the path is relative to the root directory, has no ``..`` and
no hidden component, and, once symlinks are followed, still lies inside the root. The file
browser then shows it and Jupyter's own ``/files/`` handler serves it.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> resolve_inside(root, "exports/take1.mid").relative_to(root.resolve()).as_posix()
'exports/take1.mid'
>>> resolve_inside(root, "../etc/passwd")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
schillinger_kernel.errors.ParameterError: path: '..' is not allowed in '../etc/passwd'; give ...
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

from ..errors import Conflict, ParameterError, ParameterTypeError

__all__ = [
    "MAX_PATH_CHARS",
    "NAME_MAX",
    "commit_file",
    "ensure_parent",
    "files_url",
    "relative_posix",
    "resolve_inside",
]


MAX_PATH_CHARS = 1024
NAME_MAX = 255  #: bytes of one file or folder name (Linux, macOS and Windows alike)


def _clean_parts(path: object, field: str) -> tuple[str, ...]:
    if not isinstance(path, str):
        raise ParameterTypeError(f"{field} must be a str, got {type(path).__name__}",
                                 field=field)
    if not path.strip():
        raise ParameterError(f"{field} must not be empty", field=field)
    if len(path) > MAX_PATH_CHARS or "\x00" in path:
        raise ParameterError(f"{field}: not a usable path", field=field)
    win = PureWindowsPath(path)
    if PurePosixPath(path).is_absolute() or win.drive or win.root:
        raise ParameterError(f"{field}: absolute paths are not allowed ({path!r}); give a "
                             "path relative to the server's root directory", field=field)
    parts = tuple(p for p in path.replace("\\", "/").split("/") if p not in ("", "."))
    if ".." in parts:
        raise ParameterError(f"{field}: '..' is not allowed in {path!r}; give a path inside "
                             "the server's root directory", field=field)
    long = [p for p in parts if len(p.encode("utf-8", "surrogatepass")) > NAME_MAX]
    if long:  # the file system's own refusal (ENAMETOOLONG) would come after a long render
        raise ParameterError(f"{field}: a name is longer than {NAME_MAX} bytes "
                             f"({long[0][:40]!r}...)", field=field)
    hidden = [p for p in parts if p.startswith(".")]
    if hidden:
        raise ParameterError(f"{field}: hidden names are not allowed ({hidden[0]!r} in "
                             f"{path!r})", field=field)
    if not parts:
        raise ParameterError(f"{field}: {path!r} names the root directory, not a file",
                             field=field)
    return parts


def resolve_inside(root: str | os.PathLike[str], path: str, *, field: str = "path",
                   must_exist: bool = False, suffixes: tuple[str, ...] = ()) -> Path:
    """The absolute path of ``path`` under ``root``, refused if it would leave ``root``.

    Parameters
    ----------
    root
        The server's root directory.
    path
        A client-given relative path with ``/`` separators.
    field
        Name of the request field, used in error messages.
    must_exist
        Require an existing regular file.
    suffixes
        Allowed lower-case suffixes (``(".mid", ".midi")``); empty allows any.

    Raises
    ------
    ParameterError
        (a ``ValueError``) naming ``field``: for absolute paths, ``..``, hidden names,
        symlinks that lead outside ``root``, a missing file when ``must_exist``, or a suffix
        not in ``suffixes``.
    """
    parts = _clean_parts(path, field)
    base = Path(root).resolve()
    try:
        return _resolve(base, parts, path, field, must_exist, suffixes)
    except OSError as exc:  # a symlink loop, a file used as a folder: no server path told
        raise ParameterError(f"{field}: cannot use {path!r}: "
                             f"{os.strerror(exc.errno) if exc.errno else type(exc).__name__}",
                             field=field) from None
    except RuntimeError:  # pathlib's "Symlink loop from '/abs/...'" names the server's path
        raise ParameterError(f"{field}: cannot use {path!r}: a symlink loop",
                             field=field) from None


def _resolve(base: Path, parts: tuple[str, ...], path: str, field: str, must_exist: bool,
             suffixes: tuple[str, ...]) -> Path:
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        raise ParameterError(f"{field}: {path!r} leads outside the server's root directory",
                             field=field)
    if suffixes and target.suffix.lower() not in suffixes:
        raise ParameterError(f"{field}: extension {target.suffix or '(none)'!r} is not "
                             f"allowed; use one of {', '.join(suffixes)}", field=field)
    if must_exist and not target.is_file():
        raise ParameterError(f"{field}: no file {path!r} in the server's root directory",
                             field=field)
    if not must_exist and target.is_dir():
        raise ParameterError(f"{field}: {path!r} is a folder, not a file", field=field)
    return target


def ensure_parent(root: str | os.PathLike[str], target: Path) -> Path:
    """Create the folders above ``target`` (which must lie inside ``root``); return ``target``.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> ensure_parent(root, root / "a" / "b" / "c.wav").parent.is_dir()
    True
    """
    base = Path(root).resolve()
    parent = target.parent
    if not parent.resolve().is_relative_to(base):
        raise ParameterError("path: its folder leads outside the server's root directory",
                             field="path")
    parent.mkdir(parents=True, exist_ok=True)
    if not parent.resolve().is_relative_to(base):  # a symlinked folder created meanwhile
        raise ParameterError("path: its folder leads outside the server's root directory",
                             field="path")
    return target


def relative_posix(root: str | os.PathLike[str], target: Path) -> str:
    """``target`` relative to ``root`` with ``/`` separators.

    >>> relative_posix("/srv", Path("/srv/a/b.mid"))
    'a/b.mid'
    """
    return Path(target).relative_to(Path(root).resolve()).as_posix()


def files_url(base_url: str, relative: str) -> str:
    """URL of a root-relative file under Jupyter's ``/files/`` handler.

    >>> files_url("/a%40b/", "exports/take 1.mid")
    '/a%40b/files/exports/take%201.mid'
    """
    if not isinstance(base_url, str) or not isinstance(relative, str):
        raise TypeError("base_url and relative must be str")
    return base_url.rstrip("/") + "/files/" + quote(relative)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def _open_folder(root: Path, parts: tuple[str, ...], field: str) -> int:
    """A descriptor of folder ``root/parts``, walked one name at a time without following a
    symlink (created where missing): what it names cannot be swapped for a link afterwards."""
    fd = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts:
            try:
                nfd = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=fd)
                nfd = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nfd
    except OSError as exc:
        os.close(fd)
        raise ParameterError(f"{field}: a folder of the path is a symlink or not a folder "
                             f"({errno.errorcode.get(exc.errno or 0, 'error')})",
                             field=field) from None
    return fd


def commit_file(root: str | os.PathLike[str], path: str, written: Path, *,
                overwrite: bool = False, field: str = "path") -> Path:
    """Move the finished file ``written`` (outside the root) to ``path`` under ``root``.

    The folder is opened name by name with ``O_NOFOLLOW`` at this moment (after a long
    render, not before it), the file is copied into a temporary name there and then linked
    (``overwrite`` false: fails if the name exists, atomically) or renamed over it (true: a
    symlink in its place is replaced, never followed). Returns the final absolute path.

    >>> import tempfile, pathlib
    >>> root, tmp = pathlib.Path(tempfile.mkdtemp()), pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.mid").write_bytes(b"MThd")
    >>> commit_file(root, "takes/a.mid", tmp / "a.mid").read_bytes()
    b'MThd'
    >>> commit_file(root, "takes/a.mid", tmp / "a.mid")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.Conflict: path: 'takes/a.mid' exists; send overwrite: true ...
    """
    parts = _clean_parts(path, field)
    base = Path(root).resolve()
    name = parts[-1]
    dfd = _open_folder(base, parts[:-1], field)
    # NAME_MAX counts bytes: keep 200 bytes of the name (a cut character dropped), so the
    # temporary name fits wherever the final one does.
    stem = os.fsencode(name)[:200].decode("utf-8", "ignore")
    tmp = f".{stem}.{os.getpid()}-{id(written):x}.part"
    try:
        try:
            out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644,
                          dir_fd=dfd)
            with os.fdopen(out, "wb") as dst, open(written, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            if overwrite:
                os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
            else:
                os.link(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=False)
        except FileExistsError:
            raise Conflict(f"{field}: {path!r} exists; send overwrite: true to replace it",
                           field=field) from None
        except IsADirectoryError:
            raise ParameterError(f"{field}: {path!r} is a folder, not a file",
                                 field=field) from None
        except OSError as exc:  # ENAMETOOLONG, ENOSPC...: no server path in the answer
            raise ParameterError(f"{field}: cannot write {path!r}: "
                                 f"{os.strerror(exc.errno or 0)}", field=field) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dfd)
    finally:
        os.close(dfd)
    return base.joinpath(*parts)
