"""Writes that never clobber (issue 18): exports refuse an existing file unless asked, and the
folder is checked, symlinks refused, at the moment the file is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schillinger_kernel.server import actions
from schillinger_kernel.server.paths import commit_file

SCORE = {"parts": [{"name": "A", "notes": [[0, 480, 60, 90], [480, 480, 64, 90]]}]}


def test_export_refuses_to_overwrite(api: Any, run: Any, jp_root_dir: Path) -> None:
    take = jp_root_dir / "take1.mid"
    take.write_bytes(b"my recording")
    body = {"score": SCORE, "format": "midi", "path": "take1.mid"}
    code, answer = run(api("export", body))
    assert code == 409 and answer["field"] == "path", answer
    assert "overwrite" in answer["message"] and str(jp_root_dir) not in answer["message"]
    assert take.read_bytes() == b"my recording"
    code, answer = run(api("export", {**body, "overwrite": True}))
    assert code == 200, answer
    assert take.read_bytes()[:4] == b"MThd"
    assert not [p for p in jp_root_dir.iterdir() if p.name.endswith(".part")]


def test_export_through_a_symlink_is_refused(api: Any, run: Any, jp_root_dir: Path) -> None:
    (jp_root_dir / "real").mkdir()
    (jp_root_dir / "real" / "take.mid").write_bytes(b"keep")
    (jp_root_dir / "link.mid").symlink_to(jp_root_dir / "real" / "take.mid")
    (jp_root_dir / "linkdir").symlink_to(jp_root_dir / "real")
    code, answer = run(api("export", {"score": SCORE, "format": "midi", "path": "link.mid"}))
    assert code == 409, answer  # exists (a link): not followed, not replaced
    code, answer = run(api("export", {"score": SCORE, "format": "midi",
                                      "path": "linkdir/new.mid"}))
    assert code == 400 and answer["field"] == "path", answer
    assert sorted(p.name for p in (jp_root_dir / "real").iterdir()) == ["take.mid"]
    assert (jp_root_dir / "real" / "take.mid").read_bytes() == b"keep"


def test_folder_swapped_for_a_symlink_during_the_render(
        api: Any, run: Any, jp_root_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The path is checked before the work and again when the file is written: a folder
    replaced by a symlink to outside the root meanwhile is refused, nothing lands outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (jp_root_dir / "takes").mkdir()
    real_write = actions._write

    def swapping(*a: Any, **kw: Any) -> Any:  # runs in the job, after the request was checked
        (jp_root_dir / "takes").rmdir()
        (jp_root_dir / "takes").symlink_to(outside)
        return real_write(*a, **kw)

    monkeypatch.setattr(actions, "_write", swapping)
    code, answer = run(api("export", {"score": SCORE, "format": "midi",
                                      "path": "takes/x.mid"}))
    assert code == 400 and answer["field"] == "path", answer
    assert list(outside.iterdir()) == []
    assert str(outside) not in answer["message"]


def test_commit_file_races(tmp_path: Path) -> None:
    root, private = tmp_path / "root", tmp_path / "private"
    root.mkdir()
    private.mkdir()
    src = private / "a.mid"
    src.write_bytes(b"one")
    assert commit_file(root, "a.mid", src).read_bytes() == b"one"
    src.write_bytes(b"two")
    with pytest.raises(Exception, match="exists"):
        commit_file(root, "a.mid", src)
    assert (root / "a.mid").read_bytes() == b"one"
    assert commit_file(root, "a.mid", src, overwrite=True).read_bytes() == b"two"
    with pytest.raises(ValueError, match="longer than 255 bytes") as info:
        commit_file(root, "x" * 255 + ".mid", src)  # ENAMETOOLONG: a 400, no server path
    assert str(tmp_path) not in str(info.value)
    (root / "f").write_bytes(b"")
    with pytest.raises(ValueError, match="folder"):
        commit_file(root, "f/a.mid", src)  # an existing file used as a folder
    assert sorted(p.name for p in root.iterdir()) == ["a.mid", "f"]
