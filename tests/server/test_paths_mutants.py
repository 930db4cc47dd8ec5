"""``commit_file`` where the mutants of ``server/paths.py`` that survived its fast tests
(``test_paths_contract.py``, ``test_units.py``) showed nothing looked: the temporary file it
writes first, a name cut inside a character, a plain file where the last folder should be,
and the field a refusal names by default.

Measured with ``python -m bench.mutation --one schillinger_kernel/server/paths.py --tests
tests/server/test_paths_contract.py tests/server/test_units.py``: 298 killed / 39 survived
(88.4%) before this file, 307 / 30 (91.1%) with it; see ``bench/mutation_report.md``.

Survivors judged equivalent, with the reason:

- ``ensure_parent``'s second refusal (its words and field): it guards a folder swapped for a
  symlink between the check and ``mkdir`` by another process; no deterministic test can
  reach it, and its words are the first refusal's, which is tested.
- ``_open_folder`` opening the root without ``O_DIRECTORY``: the root is the server's own
  root directory, never a client's path (were it a file, both fail: the code as written with
  ``NotADirectoryError``, the mutant with a refusal one call later); the second
  ``O_NOFOLLOW`` open (after ``mkdir``) without its flags, and ``mkdir``'s
  ``FileExistsError`` no longer suppressed: both matter only when another process makes that
  folder (or a link) between the two calls.
- the buffer of ``shutil.copyfileobj`` (``None``, ``1 >> 20`` = 0, ``2 << 20``, ``1 << 21``):
  a length of 0 or None means its default buffer; any size copies the same bytes.
- ``os.link(..., follow_symlinks=None/True)`` or left out: the temporary file it links is a
  regular file this call created with ``O_EXCL | O_NOFOLLOW``, never a link.
- the temporary name's parts (``stem = None``, ``id(None)``, ``[:201]``, ``"UTF-8"``): any
  name that fits and is unique to this call works; 201 bytes still fit under NAME_MAX.
- the ``errno`` fallbacks (``exc.errno or 1``, ``'error'`` spelled otherwise, ``type(None)``
  for the exception's type, ``or True``): the OS errors these paths meet all carry an errno.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schillinger_kernel.errors import Conflict, ParameterError
from schillinger_kernel.server.paths import NAME_MAX, commit_file


def _written(tmp_path: Path, data: bytes = b"MThd") -> Path:
    src = tmp_path / "render"
    src.mkdir(exist_ok=True)
    (src / "w.mid").write_bytes(data)
    return src / "w.mid"


def test_a_refusal_names_the_path_field_by_default(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(ParameterError) as info:
        commit_file(root, "../x.mid", _written(tmp_path))
    assert info.value.field == "path"
    assert str(info.value).startswith("path: ")


def test_a_file_where_the_last_folder_should_be(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "f").write_bytes(b"x")
    with pytest.raises(ParameterError) as info:
        commit_file(root, "f/take.mid", _written(tmp_path), field="out")
    assert str(info.value) == "out: a folder of the path is a symlink or not a folder (ENOTDIR)"
    assert (root / "f").read_bytes() == b"x"


def test_a_name_whose_first_200_bytes_end_inside_a_character(tmp_path: Path) -> None:
    # "a" + 120 two-byte "é" + ".mid" is 245 bytes: the temporary name keeps 200 bytes, which
    # end in the middle of an "é"; that half character is dropped, not an error.
    root = tmp_path / "root"
    root.mkdir()
    name = "a" + "é" * 120 + ".mid"
    assert len(os.fsencode(name)) == 245 <= NAME_MAX
    got = commit_file(root, name, _written(tmp_path, b"one"))
    assert got.name == name and got.read_bytes() == b"one"
    assert [p.name for p in root.iterdir()] == [name]


def test_a_link_planted_where_the_temporary_file_goes_is_not_followed(tmp_path: Path) -> None:
    # The temporary name is predictable (name, process id, the render's object id), so another
    # local user could plant a symlink there; the file is created with O_EXCL | O_NOFOLLOW,
    # so the write stops there and the link's target is left as it was.
    root, victim = tmp_path / "root", tmp_path / "victim"
    root.mkdir()
    victim.write_bytes(b"keep")
    written = _written(tmp_path, b"new")
    (root / f".take.mid.{os.getpid()}-{id(written):x}.part").symlink_to(victim)
    with pytest.raises(Conflict):
        commit_file(root, "take.mid", written)
    assert victim.read_bytes() == b"keep"
    assert not (root / "take.mid").exists()
