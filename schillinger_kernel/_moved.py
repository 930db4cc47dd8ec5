"""Old module paths of the first build, kept importable with a deprecation that says where to go.

The flat modules became packages per book (``rhythm_groups`` -> ``rhythm.powers`` ...). An
import of an old path finds the new module through this finder and warns once; nothing users
imported is gone without that word.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

__all__ = ["MOVED", "install"]

#: old module -> the module that holds its names now
MOVED: dict[str, str] = {
    "schillinger_kernel.graph": "schillinger_kernel.rhythm.graph",
    "schillinger_kernel.rhythm_groups": "schillinger_kernel.rhythm",
    "schillinger_kernel.rhythm_patterns": "schillinger_kernel.rhythm.patterns",
    "schillinger_kernel.scale_techniques": "schillinger_kernel.scales",
    "schillinger_kernel.chords": "schillinger_kernel.harmony.chords",
    "schillinger_kernel.voice_leading": "schillinger_kernel.harmony.voice_leading",
    "schillinger_kernel.harmony_voicing": "schillinger_kernel.harmony.voicing",
    "schillinger_kernel.harmony_styles": "schillinger_kernel.harmony.styles",
    "schillinger_kernel.harmony_analysis": "schillinger_kernel.harmony.analysis",
    "schillinger_kernel.arrange": "schillinger_kernel.compose.parts",
}


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new
        self.spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(f"{spec.name} moved to {self.new}; import it from there",
                      DeprecationWarning, stacklevel=2)
        module = importlib.import_module(self.new)
        self.spec = module.__spec__  # import is about to put the old name's spec on it
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The new module is already executed; the old name only points at it. Importing set the
        # module's __spec__ to the old name's, whose parent disagrees with __package__ (relative
        # imports inside it then warn): give the module its own spec back.
        module.__spec__ = self.spec


class _MovedFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
