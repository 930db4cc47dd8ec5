"""Between request JSON and core values: scores in (checked against the limits), plain JSON
data out.

>>> jsonable({"a": (1, 2.5), "b": float("nan")})
{'a': [1, 2.5], 'b': None}
>>> parse_score({"parts": [{"name": "p", "notes": [[0, 480, 60, 90]]}]}).end
480
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .. import Score
from ..errors import ParameterError
from .limits import Limits, check_bars, too_large

__all__ = ["JsonText", "answer_data", "jsonable", "parse_score"]


def jsonable(value: Any) -> Any:
    """Plain JSON data from core values (``to_dict``, tuples, numpy scalars and arrays).

    >>> import numpy as np
    >>> jsonable({1: np.arange(3), "p": Path("/x")})
    {'1': [0, 1, 2], 'p': '/x'}
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars
        return jsonable(value.tolist())
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return str(value)


class JsonText(str):
    """An answer already written as JSON text, by the child process that computed it.

    A 100,000-note score crosses the process boundary as one string (a copy) instead of a
    pickled tree, and REST sends it as it is: unpickling the tree and writing it as JSON
    again would each hold the interpreter lock, and so the event loop, for ~0.2 s in one C
    call. Doors that need the data read it with :func:`answer_data`.

    >>> answer_data(JsonText('{"period": 6}'))
    {'period': 6}
    """

    __slots__ = ()


def answer_data(answer: Any) -> Any:
    """``answer`` as JSON data: a :class:`JsonText` parsed, anything else as it is.

    >>> answer_data({"period": 6})
    {'period': 6}
    """
    return json.loads(answer) if isinstance(answer, JsonText) else answer


def parse_score(data: dict[str, Any] | None, field: str = "score",
                limits: Limits | None = None) -> Score:
    """A Score from request JSON; the :class:`ParameterError` names the field.

    With ``limits``, a score of more than ``limits.notes`` notes is refused before it is
    parsed, and one longer than ``limits.bars`` bars once it is.

    >>> parse_score({"parts": [{"name": "p", "notes": [[0, 1, 60, 90]] * 3}]},
    ...             limits=Limits(notes=2))
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.TooLarge: too large: 3 notes; at most 2 (SchillingerApp.max_notes)
    """
    if data is None:
        raise ParameterError(f"{field} is required", field=field)
    if limits is not None and isinstance(data, dict):
        parts = data.get("parts")
        count = sum(len(p.get("notes") or ()) for p in parts if isinstance(p, dict)) \
            if isinstance(parts, list) else 0
        if count > limits.notes:
            raise too_large("notes", count, limits.notes, "notes", field)
    try:
        score = Score.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"{field}: {exc}", field=field) from None
    if limits is not None:
        check_bars(score, limits, field)
    return score
