"""The TypeScript model interfaces of the widgets (widgets/*.ts) mirror the Python traits.

Each view reads its model through ``AnyModel<XModel>``, so a trait renamed, added or dropped in
Python without the interface following would type-check and still break in the browser. This
compares the two, field by field, without Node.
"""

from __future__ import annotations

import re
from pathlib import Path

import anywidget
import pytest
import traitlets as t

from schillinger_kernel.widgets import HarmonyExplorer, PianoRoll, Player, RhythmExplorer
from schillinger_kernel.widgets._base import ScoreWidget
from schillinger_kernel.widgets._presets import Snapshots

SOURCES = Path(__file__).resolve().parents[2] / "widgets"

# what each TS type must start with for a trait class; None: the trait has its own to_json
_TS_TYPE = {t.Bool: "boolean", t.Int: "number", t.Float: "number", t.Unicode: "string"}


def _interface(file: str, name: str) -> tuple[str | None, dict[str, str]]:
    """(the interface it extends, {field: TS type}) of ``interface name`` in ``widgets/file``."""
    text = (SOURCES / file).read_text(encoding="utf-8")
    alias = re.search(rf"^export type {name} = (\w+);", text, re.M)
    if alias:
        return alias.group(1), {}
    head = re.search(rf"^export interface {name}(?: extends ([\w, ]+))? {{\n", text, re.M)
    assert head, f"no `export interface {name}` in widgets/{file}"
    body = text[head.end():text.index("\n}", head.end())]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    fields = dict(re.findall(r"^\s*(\w+)\??: (.+);$", body, re.M))
    return head.group(1), fields


def _synced(cls: type[t.HasTraits], base: type[t.HasTraits]) -> dict[str, t.TraitType]:
    own = cls.class_traits(sync=True)
    return {k: v for k, v in own.items() if k not in base.class_traits(sync=True)}


def _check_types(fields: dict[str, str], traits: dict[str, t.TraitType], where: str) -> None:
    for name, trait in traits.items():
        ts = fields[name]
        if trait.metadata.get("to_json"):
            continue
        for kind, prefix in _TS_TYPE.items():
            if type(trait) is kind:
                want = prefix + (" | null" if trait.allow_none else "")
                assert ts == want, f"{where}.{name}: TS {ts!r}, the trait wants {want!r}"
        if isinstance(trait, t.List):
            assert ts.endswith("[]"), f"{where}.{name}: TS {ts!r} for a List trait"


def test_score_model_mirrors_score_widget() -> None:
    parent, fields = _interface("model.ts", "ScoreModel")
    traits = _synced(ScoreWidget, anywidget.AnyWidget)
    assert parent is None
    assert sorted(fields) == sorted(traits)
    _check_types(fields, traits, "ScoreModel")


@pytest.mark.parametrize(("file", "name", "cls"), [
    ("player.ts", "PlayerModel", Player),
    ("pianoroll.ts", "PianoRollModel", PianoRoll),
    ("rhythm_explorer.ts", "RhythmModel", RhythmExplorer),
    ("harmony_explorer.ts", "HarmonyModel", HarmonyExplorer),
])
def test_widget_model_mirrors_its_traits(file: str, name: str, cls: type[ScoreWidget]) -> None:
    parent, fields = _interface(file, name)
    traits = _synced(cls, ScoreWidget)
    assert parent is not None and parent.split(", ")[0] == "ScoreModel"
    if "ExplorerTraits" in parent:  # the explorers' shared tools (explorer_tools.ts)
        assert issubclass(cls, Snapshots)
        fields = {**fields, **_interface("explorer_tools.ts", "ExplorerTraits")[1]}
    assert sorted(fields) == sorted(traits), f"{name} vs {cls.__name__}"
    _check_types(fields, traits, name)
    text = (SOURCES / file).read_text(encoding="utf-8")
    assert f"Render<{name}>" in text and f"Initialize<{name}>" in text
