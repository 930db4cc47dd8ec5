"""Atomic file writing: a half-written file never appears under the final name."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "atomic_path",
    "check_target",
]


def check_target(path: str | os.PathLike[str], suffixes: tuple[str, ...] = ()) -> Path:
    """Validate an output path: a str or PathLike whose folder exists, with an allowed suffix."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if suffixes and p.suffix.lower() not in suffixes:
        raise ValueError(f"path {str(p)!r}: unsupported extension {p.suffix!r}; "
                         f"allowed: {', '.join(suffixes)}")
    if not p.parent.is_dir():
        raise ValueError(f"path {str(p)!r}: folder {str(p.parent)!r} does not exist")
    if p.is_dir():
        raise ValueError(f"path {str(p)!r} is a folder, not a file")
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "x.txt") as tmp:
    ...     _ = tmp.write_text("hello")
    >>> (d / "x.txt").read_text()
    'hello'
    """
    final = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part" + final.suffix,
                                    dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes 0600 files; give the result the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        old = _hold(final)
        os.replace(tmp, final)
        if old is not None:  # the replaced file's pages are freed off this thread
            threading.Thread(target=os.close, args=(old,), daemon=True).start()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _hold(path: Path) -> int | None:
    """An open handle on the regular file at ``path`` (POSIX), or None.

    Replacing a file frees its pages in the kernel when its last handle closes: tens of
    milliseconds for a long export, which a handle closed in another thread moves off the
    writer's path.
    """
    if os.name != "posix":
        return None
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
