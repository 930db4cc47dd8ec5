"""How much one request may ask for, and the checks that refuse more with a 413.

Each limit is a ``SchillingerApp`` trait ``max_<name>``; the refusal names it, so a user who
hits one knows what to configure. The checks here run before the work where the request says
enough (a score's notes, its bars, its seconds of audio, a list's items).

>>> str(too_large("notes", 9, 5, "notes"))
'too large: 9 notes; at most 5 (SchillingerApp.max_notes)'
>>> try:
...     check_lists({"intervals": [1, 2, 3]}, Limits(list_items=2), "args")
... except ValueError as exc:
...     exc.field
'args.intervals'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import Score
from ..errors import TooLarge
from . import models

__all__ = ["Limits", "check_bars", "check_lists", "check_render", "too_large"]


@dataclass(frozen=True)
class Limits:
    """How much one request may ask for; each is the ``SchillingerApp`` trait ``max_<name>``.

    Beyond a limit the request is refused with :class:`~schillinger_kernel.errors.TooLarge`
    (REST 413) naming the trait, before the work runs where the request says enough.

    >>> Limits(bars=8).bars, Limits().notes
    (8, 200000)
    """

    body_bytes: int = 4 * 1024 * 1024  #: a REST request body
    ws_message_bytes: int = 4 * 1024 * 1024  #: one WebSocket message
    ws_send_queue_bytes: int = 16 * 1024 * 1024  #: unread bytes for one client (then dropped)
    operation_bytes: int = 256 * 1024  #: a session operation, parameter or presence message
    osc_packet_bytes: int = 8192  #: one OSC datagram (its blobs included)
    osc_reply_bytes: int = 8192  #: one OSC reply; larger answers: use REST
    rhythm_period: int = 1_000_000  #: units of a rhythm's period
    rhythm_score_period: int = 100_000  #: units of a rhythm's period answered as a score
    list_items: int = 2000  #: items of one list argument (scales, rhythm options)
    chords: int = 256  #: chords of a progression or accompaniment
    bars: int = 1024  #: bars of a composition
    notes: int = 200_000  #: notes of a score sent or answered
    render_seconds: float = 1200.0  #: seconds of audio one render or export writes
    json_depth: int = models.MAX_JSON_DEPTH  #: nesting of a request's arrays and objects


def too_large(what: str, value: float, limit: float, name: str, field: str | None = None
              ) -> TooLarge:
    """The :class:`TooLarge` for ``value`` over ``limit``, naming the trait ``max_<name>``.

    >>> too_large("bars", 2000, 1024, "bars", "args.duration").field
    'args.duration'
    """
    return TooLarge(f"too large: {value:g} {what}; at most {limit:g} "
                    f"(SchillingerApp.max_{name})", field=field)


def check_bars(score: Score, limits: Limits, field: str = "score") -> None:
    """Refuse a score longer than ``limits.bars`` bars (of its opening time signature).

    >>> from schillinger_kernel import Note, Part
    >>> far = Score((Part("p", (Note(480 * 4 * 10, 480, 60),)),))
    >>> check_bars(far, Limits(bars=4))
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.TooLarge: too large: 11 bars; at most 4 (SchillingerApp.max_bars)
    """
    bars = score.end / max(1, score.bar_ticks)
    if bars > limits.bars:
        raise too_large("bars", math.ceil(bars), limits.bars, "bars", field)


def check_render(score: Score, limits: Limits, field: str = "score") -> None:
    """Refuse a render longer than ``limits.render_seconds``.

    >>> from schillinger_kernel import Note, Part
    >>> check_render(Score((Part("p", (Note(0, 480, 60),)),)), Limits())  # half a second: fine
    """
    seconds = score.duration_seconds
    if not seconds <= limits.render_seconds:
        raise too_large("seconds of audio", seconds, limits.render_seconds,
                        "render_seconds", field)


def check_lists(args: Mapping[str, Any], limits: Limits, field: str) -> None:
    """Refuse a list (or string) argument of ``args`` longer than ``limits.list_items``,
    naming it as ``field.name``."""
    for name, value in args.items():
        if isinstance(value, list | tuple | bytes | str) and len(value) > limits.list_items:
            raise too_large(f"items in {field}.{name}", len(value), limits.list_items,
                            "list_items", f"{field}.{name}")
