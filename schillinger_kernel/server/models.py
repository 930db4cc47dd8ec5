"""Request bodies of the REST API (and of WebSocket ``generate``), validated with pydantic.

Unknown fields are refused, so a typo is reported instead of silently ignored; the error names
the field (``generators.1``). Range checks that are music theory (which generators a technique
accepts) stay in the core: its ValueError becomes a 400 too.

>>> RhythmRequest(technique="interference", generators=[3, 2]).generators
[3, 2]
>>> from pydantic import ValidationError
>>> try:
...     RhythmRequest(technique="interference", generators=[3, "x"])
... except ValidationError as e:
...     print(error_field(e))
generators.1
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ParameterError

__all__ = [
    "MAX_JSON_DEPTH",
    "AbletonRequest",
    "AnalyzeRequest",
    "Beats",
    "Body",
    "Bpm",
    "ComposeRequest",
    "CycleRequest",
    "ErrorResponse",
    "ExportRequest",
    "Generator",
    "HarmonyAnalyzeRequest",
    "JsonScalar",
    "LoopBody",
    "OscStatus",
    "ProgressionRequest",
    "RenderRequest",
    "RhythmRequest",
    "RhythmResponse",
    "ScalesRequest",
    "SessionCreate",
    "StatusResponse",
    "TransportRequest",
    "TransportState",
    "WsGenerate",
    "error_field",
    "error_message",
    "json_depth",
    "parse_json",
]


JsonScalar = str | int | float | bool | None
Generator = Annotated[int, Field(ge=1, le=1000, strict=True)]
Bpm = Annotated[float, Field(gt=0, le=999)]
Beats = Annotated[float, Field(ge=0, le=1e7)]


class Body(BaseModel):
    """Base of every request body: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


class RhythmRequest(Body):
    """``POST rhythm``: a Book I technique applied to generators."""

    technique: str = Field(min_length=1, max_length=40,
                           description="a key of schillinger_kernel.rhythm.TECHNIQUES")
    generators: list[Generator] = Field(min_length=1, max_length=8)
    options: dict[str, JsonScalar | list[JsonScalar]] = Field(
        default_factory=dict, description="extra keyword options of the technique")
    score: bool = Field(False, description="also answer the rhythm as a Score (eighth-note unit)")


class ProgressionRequest(Body):
    """``POST harmony/progression``."""

    key: str = Field("C major", min_length=1, max_length=40)
    length: int = Field(8, ge=1, le=256, strict=True)
    complexity: float = Field(0.5, ge=0, le=1)
    style: str = Field("classical", min_length=1, max_length=40,
                       description="one of schillinger_kernel.harmony.STYLES")
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    voicing: Literal["hybrid", "full", "close"] = "hybrid"
    score: bool = Field(False, description="also answer the progression as a Score")


class CycleRequest(Body):
    """``POST harmony/cycle``: a progression by one of Schillinger's root cycles."""

    key: str = Field("C major", min_length=1, max_length=40)
    kind: str = Field("C5", min_length=1, max_length=40,
                      description="the cycle: C3, C5 or C7 (or a binomial/trinomial)")
    direction: Literal["positive", "negative"] = "positive"
    length: int | None = Field(7, ge=1, le=256, strict=True,
                               description="number of chords; null gives the closure")
    structure: str = Field("S7", min_length=1, max_length=10,
                           description="the chord structure: S5, S7, S9, S11 or S13")
    score: bool = Field(False, description="also answer the progression as a Score")


class HarmonyAnalyzeRequest(Body):
    """``POST harmony/analyze``: chords as lists of MIDI pitches, or a score."""

    chords: list[list[Annotated[int, Field(ge=0, le=127, strict=True)]]] | None = Field(
        None, max_length=4096, description="one chord per bar, each a list of MIDI pitches")
    score: dict[str, Any] | None = None
    key: str | None = Field(None, min_length=1, max_length=40,
                            description="analyse in this key instead of finding it")
    window: int | None = Field(None, ge=1, le=480 * 64, strict=True,
                               description="group notes by windows of this many ticks")


class ScalesRequest(Body):
    """``POST scales``: call a scales function by name with keyword arguments."""

    function: str = Field(min_length=1, max_length=60)
    args: dict[str, JsonScalar | list[JsonScalar]] = Field(default_factory=dict)


class ComposeRequest(Body):
    """``POST compose``: one of the composition entry points with keyword arguments."""

    mode: Literal["generate_composition", "quick_compose", "accompany"] = "generate_composition"
    args: dict[str, Any] = Field(default_factory=dict,
                                 description="keyword arguments of compose.<mode>")


class RenderRequest(Body):
    """``POST render``: synthesize a score into an audio file inside the root directory."""

    score: dict[str, Any]
    path: str | None = Field(None, max_length=1024,
                             description="root-relative output file; default renders/<id>.wav")
    sample_rate: int = Field(48000, ge=8000, le=192000, strict=True)
    backend: str | None = Field(None, max_length=20)
    normalize: Literal["peak", "lufs"] | None = None


class ExportRequest(Body):
    """``POST export``: write a score to a file inside the root directory."""

    score: dict[str, Any]
    format: Literal["midi", "musicxml", "wav", "flac", "ogg", "mp3"]
    path: str = Field(min_length=1, max_length=1024)
    sample_rate: int = Field(48000, ge=8000, le=192000, strict=True)
    wait: bool = Field(True, description="answer when written; false answers 202 with a job")
    overwrite: bool = Field(False, description="replace an existing file (otherwise 409)")


class AnalyzeRequest(Body):
    """``POST analyze``: audio features and the quality report of a file in the root dir."""

    path: str = Field(min_length=1, max_length=1024)


class SessionCreate(Body):
    """``POST sessions``."""

    name: str = Field(min_length=1, max_length=100)


class LoopBody(Body):
    """A loop region in beats."""

    start: Beats = 0.0
    end: Beats = 4.0
    enabled: bool = True


class TransportRequest(Body):
    """``POST transport``: one command for the shared clock."""

    action: Literal["play", "stop", "toggle", "seek", "tempo", "loop", "load", "unload"]
    position_beats: Beats | None = None
    tempo: Bpm | None = None
    loop: LoopBody | None = None
    score: dict[str, Any] | None = None


class AbletonRequest(Body):
    """``POST ableton``: talk to Ableton Live through AbletonOSC."""

    action: Literal["push_clip", "get_tempo", "set_tempo", "follow_tempo", "unfollow_tempo",
                    "play", "stop"]
    score: dict[str, Any] | None = None
    part: str | int = 0
    track: int = Field(0, ge=0, le=999, strict=True)
    clip: int = Field(0, ge=0, le=999, strict=True)
    length_beats: Beats | None = None
    name: str | None = Field(None, max_length=100)
    replace: bool = True
    tempo: Bpm | None = None


class WsGenerate(Body):
    """WebSocket ``generate``: the REST body of ``endpoint`` plus ``type`` and ``id``."""

    model_config = ConfigDict(extra="allow")
    type: Literal["generate"]
    id: str | int | None = None
    endpoint: str = "rhythm"


# ----- answers (documented in openapi.json) ------------------------------------------------
class OscStatus(BaseModel):
    """Where the OSC bridge listens, or why it does not."""

    enabled: bool
    host: str
    port: int
    reply_port: int
    error: str | None
    requested_port: int | None = None  # the configured port, when another had to be taken
    notice: str | None = None  # why the port is not the configured one
    auth: dict[str, Any] | None = None  # how a sender authenticates (never the secret)


class StatusResponse(BaseModel):
    """``GET status``."""

    version: str
    backend: str
    osc: OscStatus
    sessions: int
    transport: dict[str, Any]
    audio_output: dict[str, Any]
    ableton: dict[str, Any]
    jobs: int
    websocket: dict[str, Any]


class RhythmResponse(BaseModel):
    """``POST rhythm``."""

    technique: str
    generators: list[int]
    durations: list[int]
    attacks: list[int]
    period: int
    score: dict[str, Any] | None = None


class TransportState(BaseModel):
    """The transport state pushed to every client."""

    playing: bool
    position_beats: float
    position_samples: int
    tempo: float
    loop: dict[str, Any]
    sample_rate: int
    length_beats: float | None
    seeks: int = 0
    loads: int = 0


class ErrorResponse(BaseModel):
    """Every 4xx answer."""

    message: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def error_field(exc: ValidationError) -> str | None:
    """Dotted location of the first error (``generators.1``), or None."""
    from .errors import validation_field

    return validation_field(exc)


def error_message(exc: ValidationError) -> str:
    """One readable line per error, each naming its field."""
    from .errors import validation_message

    return validation_message(exc)


#: Deepest nesting of arrays and objects a request may have (``SchillingerApp.max_json_depth``):
#: deeper JSON would exhaust the recursion of the parser, the validator or the encoder.
MAX_JSON_DEPTH = 64
# bytes.translate tables: brackets become "(" / ")", quotes stay, everything else goes
_PARENS = bytes.maketrans(b"[{]}", b"(())")
_NOT_SYNTAX = bytes(sorted(set(range(256)) - set(b'[]{}"')))
_SIGNED = bytes.maketrans(b"()", b"\x01\xff")
#: Passes of pair removal tried before the exact (NumPy) count; a pass over a large rest
#: must remove at least a quarter of it, so typical bodies cost a few linear passes.
_PASSES = MAX_JSON_DEPTH
_SMALL = 65536


def _outside_strings(text: str) -> bytes:
    """The brackets (as ``(`` and ``)``) of JSON ``text`` that are outside strings."""
    data = text.encode("utf-8", "surrogatepass")
    if b'"' not in data:
        return data.translate(_PARENS, _NOT_SYNTAX)
    if b"\\" in data:  # an escaped backslash first, so that ``\\"`` still ends a string
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Removing two adjacent quotes keeps every bracket's side (inside or outside a string):
    # the strings without brackets vanish in one C pass, only the rest is split
    marks = data.translate(_PARENS, _NOT_SYNTAX).replace(b'""', b"")
    return b"".join(marks.split(b'"')[::2]) if b'"' in marks else marks


def json_depth(text: str) -> int:
    """How deep the arrays and objects of JSON ``text`` nest (brackets in strings ignored).

    Linear in ``text`` and done by C string operations: the brackets outside strings are
    kept, then innermost pairs ``()`` removed pass by pass: a balanced body of depth *d*
    empties in *d* passes, and a pass over a large rest must shrink it by a quarter.
    Unbalanced or unusually deep text is counted exactly by a cumulative sum (NumPy), only
    then.

    >>> json_depth('{"a": [1, [2, "]]]"]]}'), json_depth("3"), json_depth("[" * 100)
    (3, 0, 100)
    """
    if text.count("[") + text.count("{") <= 1:
        return text.count("[") + text.count("{")
    parens = _outside_strings(text)
    rest, depth = parens, 0
    while rest and depth < _PASSES:
        shorter = rest.replace(b"()", b"")
        if len(shorter) == len(rest) or (
                len(rest) > _SMALL and len(rest) - len(shorter) < len(rest) // 4):
            break
        rest, depth = shorter, depth + 1
    if not rest:
        return depth
    import numpy as np  # only for unbalanced or pathological nesting: refused anyway

    steps = np.frombuffer(parens.translate(_SIGNED), np.int8)
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def parse_json(raw: str | bytes, what: str = "the request body",
               max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON from a client: malformed or too deeply nested JSON is a 400 naming why.

    >>> parse_json('{"type": "heartbeat"}')
    {'type': 'heartbeat'}
    >>> parse_json("[" * 100 + "]" * 100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    schillinger_kernel.errors.ParameterError: the request body nests 100 levels deep; at most ...
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start})"
                             ) from None
    depth = json_depth(text)
    if depth > max_depth:
        raise ParameterError(f"{what} nests {depth} levels deep; at most {max_depth} "
                       "(SchillingerApp.max_json_depth)")
    try:
        return json.loads(text)
    except RecursionError:  # a depth the count missed (unbalanced brackets): still a 400
        raise ParameterError(f"{what} nests too deep") from None
    except ValueError as exc:
        raise ParameterError(f"malformed JSON in {what}: {exc}") from None
