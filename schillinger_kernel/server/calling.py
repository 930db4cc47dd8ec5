"""Calling the core with arguments a client sent: checked against the function's signature
before anything runs, and the core's errors named by the request field they came from.

The ``scales`` action calls a Book II function by name (only those of
:data:`SCALES_FUNCTIONS`); OSC gives its arguments by position, which
:func:`scales_keywords` names.

>>> call_core(divmod, (7,), {"b": 2}, "args")
Traceback (most recent call last):
...
schillinger_kernel.errors.ParameterError: args: missing a required argument: 'y'
>>> from schillinger_kernel import scales
>>> call_core(scales.symmetric_tonics, (), {"n": 3}, "args")
(0, 4, 8)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import ParameterError, ParameterTypeError, WorkbenchError

__all__ = ["SCALES_FUNCTIONS", "call_core", "core_arguments", "scales_keywords", "signature",
           "tuples"]

SCALES_FUNCTIONS = ("scale", "key_scale", "from_intervals", "from_pitches", "tonal_expansion",
                    "symmetric_tonics", "symmetric_scale", "symmetric_system",
                    "interval_interference", "displacement", "scale_names")


def signature(fn: Callable[..., Any]) -> inspect.Signature | None:
    """``inspect.signature(fn)``, or None for a builtin without one (the call then decides).

    >>> str(signature(lambda a, *rest: None))
    '(a, *rest)'
    """
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def core_arguments(fn: Callable[..., Any], lead: Sequence[Any], named: Mapping[str, Any],
                   field: str) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for ``fn``, checked against its signature.

    ``named`` may give a ``*args`` parameter by its name, as a list (what JSON can say);
    the parameters before it are then passed by position. A mismatch (unknown or missing
    name) is a :class:`ParameterError` on ``field``, found before anything runs.

    >>> def f(p, q, *more, step=1): ...
    >>> core_arguments(f, (), {"p": 3, "q": 2, "more": [5], "step": 2}, "args")
    ([3, 2, 5], {'step': 2})
    >>> core_arguments(f, (), {"p": 3, "more": [5]}, "args")
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: args: missing a required argument: 'q'
    """
    args, kwargs = list(lead), dict(named)
    sig = signature(fn)
    if sig is None:
        return args, kwargs
    params = list(sig.parameters.values())
    var = next((p for p in params if p.kind is p.VAR_POSITIONAL), None)
    if var is not None and var.name in kwargs:
        extra = kwargs.pop(var.name)
        if not isinstance(extra, list | tuple):
            raise ParameterTypeError(f"{field}.{var.name} must be a list", field=field)
        for p in params[len(args):params.index(var)]:
            if p.name in kwargs:
                args.append(kwargs.pop(p.name))
            elif p.default is not p.empty:
                args.append(p.default)
            else:
                raise ParameterError(f"{field}: missing a required argument: {p.name!r}",
                                     field=field)
        args.extend(extra)
    try:
        sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise ParameterError(f"{field}: {exc}", field=field) from None
    return args, kwargs


def call_core(fn: Callable[..., Any], lead: Sequence[Any], named: Mapping[str, Any],
              field: str) -> Any:
    """``fn(*lead, **named)`` where every argument but ``lead`` came from request ``field``.

    So an error of the core that names one of ``named`` is reported on ``field.name``, and one
    that names nothing (a builtin ValueError/TypeError too) on ``field`` itself: the client's
    only say in this call is ``field``.

    >>> from schillinger_kernel import scales
    >>> try:
    ...     call_core(scales.symmetric_tonics, (), {"n": 0}, "args")
    ... except ValueError as exc:
    ...     exc.field
    'args.n'
    """
    args, kwargs = core_arguments(fn, lead, named, field)
    try:
        return fn(*args, **kwargs)
    except WorkbenchError as exc:  # the same error, its field named as the client sent it
        if exc.field is None:
            exc.field = field
        elif exc.field in named:
            exc.field = f"{field}.{exc.field}"
        raise
    except TypeError as exc:
        raise ParameterTypeError(f"{field}: {exc}", field=field) from exc
    except ValueError as exc:
        raise ParameterError(f"{field}: {exc}", field=field) from exc


def tuples(args: Mapping[str, Any]) -> dict[str, Any]:
    """``args`` with its lists as tuples: the theory takes immutable values, JSON gives lists.

    >>> tuples({"intervals": [2, 1], "name": "x"})
    {'intervals': (2, 1), 'name': 'x'}
    """
    return {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}


def scales_keywords(function: str, positional: Sequence[Any]) -> dict[str, Any]:
    """The ``args`` of a ``scales`` request from positional arguments (what OSC sends).

    Names come from the function's signature; a ``*args`` parameter gets the rest as a list.
    An unknown ``function`` gives ``{}``: the action then refuses it with the same answer as
    on every other door.

    >>> scales_keywords("scale", ["D dorian"])
    {'name': 'D dorian'}
    >>> scales_keywords("interval_interference", [3, 2, 5])
    {'p': 3, 'q': 2, 'more': [5]}
    """
    if function not in SCALES_FUNCTIONS:
        return {}
    from .. import scales

    sig = signature(getattr(scales, function))
    if sig is None:
        raise ParameterError(f"{function} cannot be called by position", field="args")
    try:
        bound = sig.bind(*positional)
    except TypeError as exc:
        raise ParameterError(f"args: {exc}", field="args") from None
    out: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        out[name] = list(value) if sig.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL \
            else value
    return out
