"""The server's path guard, tested directly on a real temporary root: which client paths it
takes, where they land, and the exact refusal (class, field, words) for each way out.

A client never sees the server's own paths in a refusal, so the tests also check that the
absolute root is absent from every message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from schillinger_kernel.errors import Conflict, ParameterError, ParameterTypeError
from schillinger_kernel.server.paths import (
    MAX_PATH_CHARS,
    NAME_MAX,
    commit_file,
    ensure_parent,
    files_url,
    relative_posix,
    resolve_inside,
)


@pytest.fixture(autouse=True)
def _empty_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Every name is opened relative to the root's descriptor, never to the process's working
    # directory: an empty one shows a stray relative write (and none may appear there).
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    yield
    assert [p for p in cwd.rglob("*") if not p.is_dir()] == []


def _refusal(root: Path, path: object, **kw: object) -> ParameterError:
    with pytest.raises(ParameterError) as info:
        resolve_inside(root, path, **kw)  # type: ignore[arg-type]
    assert str(root.resolve()) not in str(info.value)
    return info.value


# ----- resolve_inside: what is taken ------------------------------------------------------------
def test_resolve_inside_joins_clean_parts_under_the_resolved_root(tmp_path: Path) -> None:
    base = tmp_path.resolve()
    assert resolve_inside(tmp_path, "a/b.mid") == base / "a" / "b.mid"
    assert resolve_inside(str(tmp_path), "./a//b.mid/") == base / "a" / "b.mid"
    assert resolve_inside(tmp_path, "a\\b.mid") == base / "a" / "b.mid"
    assert resolve_inside(tmp_path, "x" * NAME_MAX) == base / ("x" * NAME_MAX)


def test_resolve_inside_follows_a_symlink_that_stays_inside(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert resolve_inside(tmp_path, "link/t.mid") == tmp_path.resolve() / "real" / "t.mid"


def test_resolve_inside_must_exist_takes_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "take.MID").write_bytes(b"MThd")
    got = resolve_inside(tmp_path, "take.MID", must_exist=True, suffixes=(".mid", ".midi"))
    assert got == tmp_path.resolve() / "take.MID"


# ----- resolve_inside: what is refused ----------------------------------------------------------
@pytest.mark.parametrize("bad", [None, 3, b"a.mid", Path("a.mid")])
def test_a_path_must_be_a_str(tmp_path: Path, bad: object) -> None:
    with pytest.raises(ParameterTypeError) as info:
        resolve_inside(tmp_path, bad, field="out")  # type: ignore[arg-type]
    assert str(info.value) == f"out must be a str, got {type(bad).__name__}"
    assert info.value.field == "out"


@pytest.mark.parametrize("bad", ["", "   ", "\t"])
def test_an_empty_path_is_refused(tmp_path: Path, bad: str) -> None:
    err = _refusal(tmp_path, bad, field="out")
    assert str(err) == "out must not be empty" and err.field == "out"


def test_path_length_limit_is_inclusive(tmp_path: Path) -> None:
    ok = "/".join(["d" * 100] * 10) + "/" + "f" * (MAX_PATH_CHARS - 1010)
    assert len(ok) == MAX_PATH_CHARS
    assert resolve_inside(tmp_path, ok).name == "f" * (MAX_PATH_CHARS - 1010)
    err = _refusal(tmp_path, ok + "g", field="out")
    assert str(err) == "out: not a usable path" and err.field == "out"


def test_a_nul_byte_is_refused(tmp_path: Path) -> None:
    err = _refusal(tmp_path, "a\x00.mid")
    assert str(err) == "path: not a usable path" and err.field == "path"


@pytest.mark.parametrize("bad", ["/etc/passwd", "\\server\\share", "C:\\x.mid", "C:x.mid",
                                 "//host/share/x"])
def test_absolute_paths_are_refused(tmp_path: Path, bad: str) -> None:
    err = _refusal(tmp_path, bad, field="out")
    assert str(err) == (f"out: absolute paths are not allowed ({bad!r}); give a path relative "
                        "to the server's root directory")
    assert err.field == "out"


@pytest.mark.parametrize("bad", ["..", "../x.mid", "a/../../x.mid", "a\\..\\x.mid", "a/.."])
def test_parent_steps_are_refused_even_when_they_would_stay_inside(tmp_path: Path,
                                                                   bad: str) -> None:
    err = _refusal(tmp_path, bad, field="out")
    assert str(err) == (f"out: '..' is not allowed in {bad!r}; give a path inside the "
                        "server's root directory")
    assert err.field == "out"


def test_an_over_long_name_is_refused_before_any_work(tmp_path: Path) -> None:
    name = "é" * 128  # 256 bytes in UTF-8 though only 128 characters
    err = _refusal(tmp_path, f"a/{name}.mid", field="out")
    assert str(err) == f"out: a name is longer than {NAME_MAX} bytes ({name[:40]!r}...)"
    assert err.field == "out"
    assert resolve_inside(tmp_path, "é" * 127).name == "é" * 127


@pytest.mark.parametrize("bad, hidden", [(".env", ".env"), ("a/.git/config", ".git"),
                                         ("a/.b/.c", ".b")])
def test_hidden_names_are_refused(tmp_path: Path, bad: str, hidden: str) -> None:
    err = _refusal(tmp_path, bad, field="out")
    assert str(err) == f"out: hidden names are not allowed ({hidden!r} in {bad!r})"
    assert err.field == "out"


@pytest.mark.parametrize("bad", [".", "./", "./.", ".//./"])
def test_the_root_itself_is_not_a_file(tmp_path: Path, bad: str) -> None:
    err = _refusal(tmp_path, bad, field="out")
    assert str(err) == f"out: {bad!r} names the root directory, not a file"
    assert err.field == "out"


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "out").symlink_to(outside)
    err = _refusal(root, "out/x.mid", field="dest")
    assert str(err) == "dest: 'out/x.mid' leads outside the server's root directory"
    assert err.field == "dest"


@pytest.mark.parametrize("name, shown", [("take.wav", "'.wav'"), ("take", "'(none)'")])
def test_suffixes_are_checked_and_listed(tmp_path: Path, name: str, shown: str) -> None:
    err = _refusal(tmp_path, name, field="midi", suffixes=(".mid", ".midi"))
    assert str(err) == f"midi: extension {shown} is not allowed; use one of .mid, .midi"
    assert err.field == "midi"


def test_must_exist_refuses_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for path in ("nope.mid", "d"):
        err = _refusal(tmp_path, path, field="midi", must_exist=True)
        assert str(err) == f"midi: no file {path!r} in the server's root directory"
        assert err.field == "midi"


def test_a_folder_is_not_a_file_to_write(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    err = _refusal(tmp_path, "d", field="out")
    assert str(err) == "out: 'd' is a folder, not a file" and err.field == "out"


def test_a_file_used_as_a_folder_names_no_server_path(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x")
    err = _refusal(tmp_path, "f/x.mid", field="out", must_exist=True)
    assert str(err) == "out: no file 'f/x.mid' in the server's root directory"


def test_a_symlink_loop_is_refused_without_the_server_path(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    err = _refusal(tmp_path, "a/x.mid", field="out")
    assert str(err).startswith("out: cannot use 'a/x.mid': ")
    assert err.field == "out"
    assert os.strerror(40) in str(err) or "symlink loop" in str(err)


def test_an_os_refusal_is_reported_without_the_server_path(tmp_path: Path) -> None:
    # a root deep enough that root + path passes PATH_MAX: stat() fails with ENAMETOOLONG
    root = tmp_path.joinpath(*["r" * 200] * 17)
    root.mkdir(parents=True)
    path = "/".join(["p" * 200] * 5)
    err = _refusal(root, path, field="midi", must_exist=True)
    assert str(err) == f"midi: cannot use {path!r}: {os.strerror(36)}"
    assert err.field == "midi"


# ----- ensure_parent / relative_posix / files_url -----------------------------------------------
def test_ensure_parent_creates_the_folders_and_returns_the_target(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.wav"
    assert ensure_parent(tmp_path, target) is target
    assert (tmp_path / "a" / "b").is_dir() and not target.exists()
    assert ensure_parent(str(tmp_path), target) is target  # existing folders are fine


def test_ensure_parent_refuses_a_folder_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    for target in (tmp_path / "elsewhere" / "x.wav", root / "out" / "new" / "x.wav"):
        with pytest.raises(ParameterError) as info:
            ensure_parent(root, target)
        assert str(info.value) == "path: its folder leads outside the server's root directory"
        assert info.value.field == "path"
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "new").exists()


def test_relative_posix_and_files_url() -> None:
    assert relative_posix("/srv", Path("/srv/a/b.mid")) == "a/b.mid"
    assert files_url("/", "a b/c#.mid") == "/files/a%20b/c%23.mid"
    assert files_url("/base//", "x.mid") == "/base/files/x.mid"
    assert files_url("", "x.mid") == "/files/x.mid"
    assert files_url("/user/MAX", "x.mid") == "/user/MAX/files/x.mid"  # only "/" is trimmed
    for base, rel in ((None, "x"), ("/", None)):
        with pytest.raises(TypeError, match=r"^base_url and relative must be str$"):
            files_url(base, rel)  # type: ignore[arg-type]


# ----- commit_file ------------------------------------------------------------------------------
def _written(tmp_path: Path, data: bytes = b"MThd") -> Path:
    src = tmp_path / "render"
    src.mkdir(exist_ok=True)
    (src / "w.mid").write_bytes(data)
    return src / "w.mid"


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_commit_file_creates_folders_and_leaves_no_temporary(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    got = commit_file(root, "a/b/take.mid", _written(tmp_path, b"one"))
    assert got == root.resolve() / "a" / "b" / "take.mid"
    assert got.read_bytes() == b"one"
    assert _files(root / "a" / "b") == ["take.mid"]
    assert (got.stat().st_mode & 0o777) == 0o644 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_commit_file_ignores_a_same_named_folder_in_the_working_directory(
        tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (Path.cwd() / "takes").mkdir()  # a decoy where a cwd-relative open would land
    got = commit_file(root, "takes/a.mid", _written(tmp_path))
    assert got == root.resolve() / "takes" / "a.mid" and got.read_bytes() == b"MThd"
    assert list((Path.cwd() / "takes").iterdir()) == []


def test_commit_file_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    commit_file(root, "take.mid", _written(tmp_path, b"one"))
    with pytest.raises(Conflict) as info:
        commit_file(root, "take.mid", _written(tmp_path, b"two"), field="out")
    assert str(info.value) == "out: 'take.mid' exists; send overwrite: true to replace it"
    assert info.value.field == "out"
    assert (root / "take.mid").read_bytes() == b"one"
    assert _files(root) == ["take.mid"]
    commit_file(root, "take.mid", _written(tmp_path, b"two"), overwrite=True)
    assert (root / "take.mid").read_bytes() == b"two"
    assert _files(root) == ["take.mid"]


def test_commit_file_replaces_a_symlink_without_following_it(tmp_path: Path) -> None:
    root, victim = tmp_path / "root", tmp_path / "victim"
    root.mkdir()
    victim.write_bytes(b"keep")
    (root / "take.mid").symlink_to(victim)
    with pytest.raises(Conflict):
        commit_file(root, "take.mid", _written(tmp_path, b"new"))
    commit_file(root, "take.mid", _written(tmp_path, b"new"), overwrite=True)
    assert victim.read_bytes() == b"keep"
    assert not (root / "take.mid").is_symlink()
    assert (root / "take.mid").read_bytes() == b"new"


@pytest.mark.parametrize("folder", ["link", "f"])
def test_commit_file_refuses_a_symlinked_or_file_folder(tmp_path: Path, folder: str) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    (root / "f").write_bytes(b"x")
    with pytest.raises(ParameterError) as info:
        commit_file(root, f"{folder}/deeper/take.mid", _written(tmp_path), field="out")
    assert str(info.value) in (
        "out: a folder of the path is a symlink or not a folder (ELOOP)",
        "out: a folder of the path is a symlink or not a folder (ENOTDIR)")
    assert info.value.field == "out"
    assert _files(outside) == [] and not (root / "deeper").exists()


def test_commit_file_onto_a_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "d").mkdir(parents=True)
    with pytest.raises(ParameterError) as info:
        commit_file(root, "d", _written(tmp_path), overwrite=True, field="out")
    assert str(info.value) == "out: 'd' is a folder, not a file"
    assert info.value.field == "out"
    with pytest.raises(Conflict):
        commit_file(root, "d", _written(tmp_path), field="out")
    assert _files(root) == ["d"] and _files(root / "d") == []


def test_commit_file_checks_the_path_like_resolve_inside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    for bad in ("../x.mid", "/x.mid", ".x.mid", ""):
        with pytest.raises(ParameterError) as info:
            commit_file(root, bad, _written(tmp_path), field="out")
        assert info.value.field == "out"
    assert _files(root) == []


def test_commit_file_takes_every_name_resolve_inside_takes(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    name = "é" * 120 + ".mid"  # 244 bytes: within NAME_MAX
    assert resolve_inside(root, name).name == name
    assert commit_file(root, name, _written(tmp_path)).name == name


def test_commit_file_reports_an_unreadable_render_without_server_paths(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(ParameterError) as info:
        commit_file(root, "take.mid", tmp_path / "missing.mid", field="out")
    assert str(info.value) == f"out: cannot write 'take.mid': {os.strerror(2)}"
    assert info.value.field == "out"
    assert _files(root) == []
