"""``server.exporting``: MIDI and MusicXML exports parsed and written in a child process, the
bytes committed under the root by the server with its own checks (issue 18)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from schillinger_kernel.errors import Conflict, ParameterError, TooLarge
from schillinger_kernel.server.actions import Context, perform, validate
from schillinger_kernel.server.exporting import WARM_MODULES, export_bytes, warm_up
from schillinger_kernel.server.limits import Limits
from schillinger_kernel.server.procpool import ProcessPool

SCORE: dict[str, Any] = {
    "title": "child", "key": "D minor",
    "parts": [{"name": "lead", "notes": [[k * 240, 240 + k % 3 * 120, 50 + k % 19, 40 + k % 80]
                                         for k in range(300)]},
              {"name": "bass", "notes": [[k * 960, 960, 38 + k % 5, 100] for k in range(70)]}]}


def _same(data: bytes) -> list[bytes]:
    """The file's contents, music21's random part and instrument ids (``P`` or ``I``
    and 32 hex digits) made equal;
    a compressed MusicXML file as its members' contents."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [x for n in sorted(z.namelist()) for x in _same(z.read(n))]
    return [re.sub(rb"\b([PI])[0-9a-f]{32}", rb"\1", data)]


@pytest.fixture(scope="module")
def procs() -> Iterator[ProcessPool]:
    p = ProcessPool(1, 0)
    p.warm(warm_up).join()
    yield p
    p.shutdown()


def _export(root: Path, procs: ProcessPool | None, body: dict[str, Any]) -> dict[str, Any]:
    ctx = Context(root, "/", limits=Limits(), procs=procs)
    return perform("export", ctx, validate("export", body))


@pytest.mark.parametrize(("fmt", "name"), [("midi", "a/take.mid"), ("musicxml", "b.musicxml"),
                                           ("musicxml", "c/d.mxl")])
def test_a_child_writes_the_bytes_a_thread_writes(procs: ProcessPool, tmp_path: Path,
                                                  fmt: str, name: str) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    body = {"score": SCORE, "format": fmt, "path": name}
    a = _export(here, None, body)
    b = _export(there, procs, body)
    assert {**a, "bytes": 0} == {**b, "bytes": 0}  # path, url, format
    written = (there / name).read_bytes()
    assert _same(written) == _same((here / name).read_bytes())
    assert len(written) == b["bytes"] > 1000
    assert not [p for p in there.rglob("*") if p.name.startswith(".")]  # no temporary left


def test_the_child_path_keeps_the_no_clobber_and_symlink_checks(
        procs: ProcessPool, tmp_path: Path) -> None:
    (tmp_path / "take1.mid").write_bytes(b"mine")
    body = {"score": SCORE, "format": "midi", "path": "take1.mid"}
    with pytest.raises(Conflict, match="overwrite"):
        _export(tmp_path, procs, body)
    assert (tmp_path / "take1.mid").read_bytes() == b"mine"
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ParameterError, match="outside"):
        _export(tmp_path, procs, {**body, "path": "link/x.mid"})
    assert _export(tmp_path, procs, {**body, "overwrite": True})["bytes"] > 1000
    assert (tmp_path / "take1.mid").read_bytes()[:4] == b"MThd"
    assert not list(outside.iterdir())


def test_a_bad_score_is_refused_from_the_child_with_its_field(procs: ProcessPool,
                                                               tmp_path: Path) -> None:
    bad = {"parts": [{"name": "p", "notes": [[0, 480, 200, 90]]}]}
    with pytest.raises(ParameterError, match="127") as info:
        _export(tmp_path, procs, {"score": bad, "format": "midi", "path": "x.mid"})
    assert info.value.field is not None
    many = {"parts": [{"name": "p", "notes": [[k, 1, 60, 90] for k in range(20)]}]}
    with pytest.raises(TooLarge):
        procs.call(export_bytes, many, "midi", "x.mid", Limits(notes=10))
    assert not list(tmp_path.iterdir())


def test_warm_up_imports_the_export_modules_in_the_child(procs: ProcessPool) -> None:
    assert warm_up() == ()
    # a builtin (pickled by name) run in the child: the modules it holds before any export
    held = procs.call(eval, "sorted(__import__('sys').modules)")
    assert set(WARM_MODULES) <= set(held)
