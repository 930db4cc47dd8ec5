"""Named snapshots of an explorer's settings, kept in its synced state.

The state is saved with the notebook (the package turns on the widget manager's "save widget
state"), so the snapshots outlive the kernel. The view keeps and recalls them itself from the
trait names in ``_preset_keys``; Python can do the same with :meth:`Snapshots.snapshot` and
:meth:`Snapshots.recall`.

>>> from schillinger_kernel.widgets import RhythmExplorer
>>> ex = RhythmExplorer(a=3, b=2)
>>> ex.snapshot("three against two")
>>> ex.a = 5
>>> ex.recall("three against two")
>>> ex.a, sorted(ex.presets)
(3, ['three against two'])
"""

from __future__ import annotations

from typing import Any, ClassVar

import traitlets as t

from ..checks import check_choice
from ..errors import ParameterError

__all__ = ["MAX_PRESETS", "Snapshots"]

#: How many snapshots one explorer keeps (each is a few short values).
MAX_PRESETS = 100


class Snapshots(t.HasTraits):
    """Mix-in: ``presets`` (name -> settings) over the traits named in ``_preset_keys``."""

    _PRESET_KEYS: ClassVar[tuple[str, ...]] = ()
    presets = t.Dict().tag(sync=True)
    _preset_keys = t.List(t.Unicode()).tag(sync=True)

    @t.default("_preset_keys")
    def _default_preset_keys(self) -> list[str]:
        return list(self._PRESET_KEYS)

    @t.validate("presets")
    def _check_presets(self, proposal: Any) -> dict[str, dict[str, Any]]:
        value = proposal["value"]
        if len(value) > MAX_PRESETS:
            raise t.TraitError(f"an explorer keeps at most {MAX_PRESETS} snapshots, "
                               f"got {len(value)}")
        for name, entry in value.items():
            if not isinstance(name, str) or not name.strip() or not isinstance(entry, dict):
                raise t.TraitError("presets must map non-empty names to dicts of settings, "
                                   f"got {name!r}: {type(entry).__name__}")
            unknown = set(entry) - set(self._PRESET_KEYS)
            if unknown:
                raise t.TraitError(f"snapshot {name!r} names {', '.join(sorted(unknown))}; "
                                   f"allowed: {', '.join(self._PRESET_KEYS)}")
        return dict(value)

    def snapshot(self, name: str) -> None:
        """Keep the current settings under ``name`` (replacing a snapshot of that name)."""
        if not isinstance(name, str) or not name.strip():
            raise ParameterError(f"a snapshot needs a non-empty name, got {name!r}")
        entry = {k: getattr(self, k) for k in self._PRESET_KEYS}
        self.presets = {**self.presets, name.strip(): entry}

    def recall(self, name: str) -> None:
        """Set the settings kept under ``name``."""
        check_choice("snapshot", name, sorted(self.presets))
        with self.hold_trait_notifications():
            for k, v in self.presets[name].items():
                setattr(self, k, v)
