"""The technique registry: one name -> one Book I function, shared by the server's action
table, the widgets and the CLI. It sits above every module it names.

>>> technique("fractioning", [3, 2])
Rhythm((2, 1, 1, 1, 1, 1, 2))
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ParameterError, ParameterTypeError
from .permutations import circular_permutations
from .powers import power
from .resultants import (
    balance,
    contraction,
    countertheme,
    expansion,
    fractioning,
    interference,
)
from .value import Rhythm

__all__ = ["TECHNIQUES", "options_of", "technique"]


# ----- the technique registry: one name -> one function, shared by server and widgets --------
def _perm_technique(generators: Sequence[int], direction: str = "clockwise") -> Rhythm:
    base = interference(*generators)
    perms = circular_permutations(base.durations, direction)
    return Rhythm(sum(perms, ()), base.generators)


def _power_technique(generators: Sequence[int], n: int = 2) -> Rhythm:
    return power(tuple(generators), n)


def _pair(f: Callable[[int, int], Rhythm]) -> Callable[..., Rhythm]:
    def run(generators: Sequence[int]) -> Rhythm:
        gens = tuple(generators)
        if len(gens) != 2:
            raise ParameterError(f"{f.__name__} takes two generators [a, b], got {list(gens)}",
                                 field="generators")
        return f(*gens)

    run.__name__ = f.__name__
    run.__doc__ = f.__doc__
    return run


TECHNIQUES: dict[str, Callable[..., Rhythm]] = {
    "interference": lambda generators, period="product": interference(*generators,
                                                                      period=period),
    "fractioning": _pair(fractioning),
    "expansion": _pair(expansion),
    "contraction": _pair(contraction),
    "balance": _pair(balance),
    "countertheme": lambda generators: countertheme(*generators),
    "power": _power_technique,
    "permutations": _perm_technique,
}
"""Technique name -> ``f(generators, **options) -> Rhythm``: the one entry point the REST API,
the WebSocket, OSC and the widgets share.

>>> TECHNIQUES["interference"]([5, 3]) == interference(5, 3)
True
"""


def technique(name: str, generators: Sequence[int], **options: Any) -> Rhythm:
    """Run a Book I technique by name (see :data:`TECHNIQUES`).

    >>> technique("fractioning", [3, 2])
    Rhythm((2, 1, 1, 1, 1, 1, 2))
    """
    if name not in TECHNIQUES:
        raise ParameterError(f"technique must be one of {', '.join(TECHNIQUES)}, got {name!r}",
                             field="technique")
    if isinstance(generators, str) or not isinstance(generators, Sequence):
        raise ParameterTypeError(
            f"generators must be a list of ints, got {type(generators).__name__}",
            field="generators")
    allowed = options_of(name)
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ParameterError(
            f"technique {name!r} takes no option {', '.join(unknown)}; "
            f"its options: {', '.join(allowed) or 'none'}", field="options")
    return TECHNIQUES[name](list(generators), **options)


def options_of(name: str) -> tuple[str, ...]:
    """The keyword options a technique accepts besides its generators.

    >>> options_of("interference"), options_of("power"), options_of("fractioning")
    (('period',), ('n',), ())
    """
    params = list(inspect.signature(TECHNIQUES[name]).parameters.values())[1:]
    return tuple(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))

