"""RhythmExplorer: drag the generators of r(a÷b[÷c]), see the Schillinger graph, hear the loop.

The rhythm comes from :data:`schillinger_kernel.rhythm.TECHNIQUES` and the graph from
:func:`schillinger_kernel.rhythm.graph.rhythm_svg`; the view only draws what it is sent. So that a
slider move redraws in the same animation frame, the widget also sends ``_lookahead``: for
each slider, the graph at every value of that slider with the other generators where they
are. While one slider is dragged its table stays valid; the others are recomputed when the
kernel hears the new value. The tables go as a custom message (``lookahead``, also the answer
to a view's ``lookahead_request``), not as state: the state is saved with the notebook, and
the tables (a quarter of a megabyte) are only of use while a kernel answers.

Beside the graph, the resultant is engraved on a one-line percussion staff (the notation pane
of :mod:`~schillinger_kernel.widgets._notation_pane`, shown while ``notation`` is on).
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd
from typing import Any

import traitlets as t

from .. import instruments
from ..rhythm import TECHNIQUES, Rhythm
from ..rhythm.graph import rhythm_svg
from ..server.actions import compute  # the doors' action table; imports no Jupyter server
from ..server.errors import map_error
from ._base import ScoreWidget, bundle
from ._code import durations_code, rhythm_code
from ._notation_pane import NotationPane
from ._presets import Snapshots

__all__ = ["GENERATOR_MAX", "INSTRUMENTS", "RhythmExplorer", "c_default", "coprime_note",
           "explain", "title_for"]

#: Largest generator the explorer accepts (its sliders go up to ``generator_max``).
GENERATOR_MAX = 64
#: Graphs longer than this many units are not sent ahead (the view waits for the kernel).
LOOKAHEAD_PERIOD = 2_000
#: Budget of the look-ahead tables, in characters of SVG.
LOOKAHEAD_CHARS = 800_000
_FIRST = ("interference", "fractioning", "power", "permutations")
#: Instruments the explorers offer (General MIDI names; the score's part plays with its sound).
INSTRUMENTS = ("marimba", "piano", "vibraphone", "flute", "clarinet", "violin", "cello",
               "trumpet", "acoustic guitar (nylon)", "acoustic bass", "drums")
#: Longest period the third generator's default may make (in units).
C_DEFAULT_PERIOD = 240


def c_default(a: int, b: int, top: int = 16) -> int:
    """The third generator a ticked "c" starts at: the smallest c in 2..``top``, other than a
    and b, coprime with both, whose period a·b·c stays within :data:`C_DEFAULT_PERIOD` (the
    book's triples 5÷3÷2, 7÷5÷3, ... come out so); 1 when there is none.

    >>> c_default(3, 2), c_default(5, 3), c_default(6, 3), c_default(16, 15)
    (5, 2, 5, 1)
    """
    for c in range(2, top + 1):
        if c not in (a, b) and gcd(c, a) == 1 and gcd(c, b) == 1 and a * b * c <= C_DEFAULT_PERIOD:
            return c
    return 1


def title_for(technique: str, generators: tuple[int, ...]) -> str:
    """The name of what the explorer shows, as the book writes it.

    >>> title_for("interference", (3, 2)), title_for("fractioning", (3, 2))
    ('r3÷2', 'fractioning 3÷2')
    >>> title_for("power", (2, 1)), title_for("permutations", (3, 2))
    ('(2+1)²', 'permutations of r3÷2')
    """
    ratio = "÷".join(map(str, generators))
    if technique == "interference":
        return f"r{ratio}"
    if technique == "power":
        return "(" + "+".join(map(str, generators)) + ")²"
    if technique == "permutations":
        return f"permutations of r{ratio}"
    return f"{technique} {ratio}"


def explain(technique: str, generators: tuple[int, ...]) -> str:
    """One line on how the technique makes the rhythm (the power's terms spelled out).

    >>> explain("power", (3, 2))
    '(3+2)² expanded: every product of two generators, 3·3 + 3·2 + 2·3 + 2·2 = 9+6+6+4'
    """
    if technique == "power":
        terms = [(x, y) for x in generators for y in generators]
        return ("(" + "+".join(map(str, generators)) + ")² expanded: every product of two "
                "generators, " + " + ".join(f"{x}·{y}" for x, y in terms) + " = "
                + "+".join(str(x * y) for x, y in terms))
    doc = getattr(TECHNIQUES.get(technique), "__doc__", None) or ""
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    return line if technique != "interference" else (
        "Interference: each generator repeats over their common product; r attacks wherever "
        "any of them attacks.")


def coprime_note(generators: tuple[int, ...]) -> str:
    """A word when two generators share a factor (the book's generators are coprime).

    >>> coprime_note((6, 3))
    '6 and 3 share the factor 3: the resultant is that of 2÷1, each duration ×3.'
    >>> coprime_note((3, 2))
    ''
    """
    for i, x in enumerate(generators):
        for y in generators[i + 1:]:
            g = gcd(x, y)
            if g > 1:
                reduced = "÷".join(str(v // gcd(v, g)) if v in (x, y) else str(v)
                                   for v in generators)
                return (f"{x} and {y} share the factor {g}: the resultant is that of {reduced}"
                        f", each duration ×{g}." if len(generators) == 2 else
                        f"{x} and {y} share the factor {g}: fewer distinct attacks than "
                        f"coprime generators give.")
    return ""


@lru_cache(maxsize=1024)
def _compute(technique: str, generators: tuple[int, ...]) -> tuple[Rhythm | None, str, str]:
    """(rhythm, svg, error) for one technique and generators; cached, since the values repeat."""
    try:
        r = _rhythm(technique, generators, {})
    except (ValueError, TypeError, LookupError) as exc:
        return None, "", map_error(exc).message
    try:
        svg = rhythm_svg(r, r.generators or None, title=title_for(technique, generators))
    except ValueError as exc:
        svg = ""
        return r, svg, f"graph not drawn: {exc}"
    return r, svg, ""


def _rhythm(technique: str, generators: tuple[int, ...], options: dict[str, Any]) -> Rhythm:
    """The ``rhythm`` action's value: the request model and checks REST, WebSocket and OSC use,
    so the explorer refuses what they refuse, in the same words."""
    r: Rhythm = compute("rhythm", {"technique": technique, "generators": list(generators),
                                   "options": options})
    return r


def _rhythm_to_json(value: Rhythm | None, _widget: Any) -> list[int]:
    return [] if value is None else list(value.durations)


def _rhythm_from_json(value: list[int], _widget: Any) -> Rhythm | None:
    return Rhythm(tuple(value)) if value else None


class _RhythmTrait(t.Instance):  # type: ignore[type-arg]
    """A Rhythm trait that notifies on any new value: Rhythms equal by durations may still
    differ in generators (and so in their graph)."""

    def set(self, obj: t.HasTraits, value: Any) -> None:
        name = str(self.name)
        new = self._validate(obj, value)
        old = obj._trait_values.get(name, self.default_value)
        obj._trait_values[name] = new
        if new is not old and (new != old or getattr(new, "generators", None)
                               != getattr(old, "generators", None)):
            obj._notify_trait(name, old, new)


class RhythmExplorer(NotationPane, Snapshots, ScoreWidget):
    """Generators ``a``, ``b`` (, ``c``), ``technique``, ``tempo``, ``loop``; ``rhythm``, ``score``.

    ``rhythm`` and ``score`` are traits: read them, ``observe`` them, or set ``rhythm`` to draw
    and play any rhythm. A generator outside 1..``GENERATOR_MAX`` is refused with a TraitError.
    ``notation`` shows the resultant engraved (``_notation``: its SVG pages).

    >>> ex = RhythmExplorer(a=3, b=2)
    >>> ex.rhythm, ex.score.parts[0].name
    (Rhythm((2, 1, 1, 2)), 'r3÷2')
    >>> ex.a = 5
    >>> ex.rhythm
    Rhythm((2, 2, 1, 1, 2, 2))
    >>> ex.a = 200
    Traceback (most recent call last):
    ...
    traitlets.traitlets.TraitError: generator a must be an int in 1..64, got 200
    """

    _esm = bundle("rhythm_explorer")
    _PRESET_KEYS = ("a", "b", "c", "technique", "instrument", "tempo")
    a = t.Int(3).tag(sync=True)
    b = t.Int(2).tag(sync=True)
    c = t.Int(None, allow_none=True).tag(sync=True)
    generator_max = t.Int(16).tag(sync=True)
    technique = t.Unicode("interference").tag(sync=True)
    techniques = t.List(t.Unicode()).tag(sync=True)
    options = t.Dict()
    pitch = t.Int(72)
    instrument = t.Unicode("marimba").tag(sync=True)
    instruments = t.List(t.Unicode(), default_value=list(INSTRUMENTS)).tag(sync=True)
    #: where a ticked "c" starts: see :func:`c_default`
    c_default = t.Int(5).tag(sync=True)
    #: the technique and generators shown, as the book names them ("r3÷2", "(3+2)²", ...)
    title = t.Unicode("").tag(sync=True)
    #: one line on how the technique makes the rhythm
    explanation = t.Unicode("").tag(sync=True)
    #: a word on generators sharing a factor ("" when coprime)
    note = t.Unicode("").tag(sync=True)
    rhythm = _RhythmTrait(Rhythm, allow_none=True).tag(
        sync=True, to_json=_rhythm_to_json, from_json=_rhythm_from_json)
    generators = t.List(t.Int()).tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    _svg = t.Unicode("").tag(sync=True)
    _svg_key = t.Unicode("").tag(sync=True)
    _lookahead = t.Dict()
    #: the Python that rebuilds the rhythm and its score ("copy as code")
    code = t.Unicode("").tag(sync=True)

    def __init__(self, a: int = 3, b: int = 2, c: int | None = None, *,
                 technique: str = "interference", tempo: float = 120.0, loop: bool = True,
                 **kwargs: Any) -> None:
        self._ready = False
        self._from_sliders = False
        super().__init__(a=a, b=b, c=c, technique=technique, loop=loop, tempo=tempo,
                         techniques=[*_FIRST, *(k for k in TECHNIQUES if k not in _FIRST)],
                         **kwargs)

    def _setup(self) -> None:
        self._ready = True
        self.on_msg(self._on_lookahead_request)
        self._recompute(None)

    def _on_lookahead_request(self, _widget: Any, content: Any, _buffers: list[Any]) -> None:
        if isinstance(content, dict) and content.get("kind") == "lookahead_request":
            self._send_lookahead()

    @t.observe("_lookahead")
    def _send_lookahead(self, _change: Any = None) -> None:
        if self.comm is not None:  # views that exist get it; a new view asks for it
            self.send({"kind": "lookahead", "tables": self._lookahead})

    # ----- validation ------------------------------------------------------------------------
    @t.validate("a", "b", "c")
    def _check_generator(self, proposal: Any) -> int | None:
        name, value = proposal["trait"].name, proposal["value"]
        if value is None and name == "c":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not (
                1 <= value <= GENERATOR_MAX):
            raise t.TraitError(f"generator {name} must be an int in 1..{GENERATOR_MAX}, "
                               f"got {value!r}")
        return value

    @t.validate("generator_max")
    def _check_max(self, proposal: Any) -> int:
        value = proposal["value"]
        if not 2 <= value <= GENERATOR_MAX:
            raise t.TraitError(f"generator_max must be in 2..{GENERATOR_MAX}, got {value!r}")
        return int(value)

    @t.validate("technique")
    def _check_technique(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in TECHNIQUES:
            raise t.TraitError(f"technique must be one of {', '.join(TECHNIQUES)}, "
                               f"got {value!r}")
        return str(value)

    @t.validate("instrument")
    def _check_instrument(self, proposal: Any) -> str:
        value = proposal["value"]
        try:
            if not isinstance(value, str):
                raise TypeError(type(value).__name__)
            if not instruments.is_drums(value):
                instruments.program_for(value)
        except (ValueError, TypeError, LookupError) as exc:
            raise t.TraitError(f"instrument must name a General MIDI instrument: {exc}") from None
        return value

    @t.validate("pitch")
    def _check_pitch(self, proposal: Any) -> int:
        value = proposal["value"]
        if not 0 <= value <= 127:
            raise t.TraitError(f"pitch must be a MIDI pitch 0..127, got {value!r}")
        return int(value)

    # ----- reactions -------------------------------------------------------------------------
    def _gens(self, **override: int) -> tuple[int, ...]:
        vals = {"a": self.a, "b": self.b, "c": self.c, **override}
        return tuple(v for v in (vals["a"], vals["b"], vals["c"]) if v is not None)

    @t.observe("a", "b", "c", "technique", "options")
    def _inputs_changed(self, change: dict[str, Any]) -> None:
        if self._ready:
            self._recompute(change["name"])

    def _recompute(self, changed: str | None) -> None:
        gens = self._gens()
        top = max(gens)
        with self.hold_sync():
            if top > self.generator_max:
                self.generator_max = min(GENERATOR_MAX, max(16, top))
            self.c_default = c_default(self.a, self.b, self.generator_max)
            self.title = title_for(self.technique, gens)
            self.explanation = explain(self.technique, gens)
            self.note = coprime_note(gens)
            try:
                if self.options:
                    r: Rhythm | None = _rhythm(self.technique, gens, self.options)
                    err = ""
                else:
                    r, _svg, err = _compute(self.technique, gens)
            except (ValueError, TypeError, LookupError) as exc:
                r, err = None, map_error(exc).message
            self.error = err if r is None else ""
            if r is not None:
                self._from_sliders = True
                try:
                    self.rhythm = r  # no event when equal to the old value: redraw anyway
                finally:
                    self._from_sliders = False
                self._redraw(r, ",".join("" if v is None else str(v)
                                         for v in (self.a, self.b, self.c)))
            self._lookahead = self._tables(skip=changed)

    def _tables(self, skip: str | None) -> dict[str, dict[str, str]]:
        """For each slider: value -> graph, with the other generators fixed."""
        old = dict(self._lookahead)
        tables: dict[str, dict[str, str]] = {}
        budget = LOOKAHEAD_CHARS
        names = ["a", "b"] + (["c"] if self.c is not None else [])
        if self.options:
            return {}
        for name in names:
            if name == skip and name in old:
                tables[name] = old[name]
                budget -= sum(len(s) for s in old[name].values())
                continue
            current = getattr(self, name)
            values = sorted(range(1, self.generator_max + 1), key=lambda v: abs(v - current))
            table: dict[str, str] = {}
            for v in values:
                gens = self._gens(**{name: v})
                if _product(gens) > LOOKAHEAD_PERIOD * 4:
                    continue
                r, svg, _err = _compute(self.technique, gens)
                if r is None or not svg or r.period > LOOKAHEAD_PERIOD or len(svg) > budget:
                    continue
                table[str(v)] = svg
                budget -= len(svg)
            tables[name] = table
        return tables

    @t.observe("rhythm")
    def _rhythm_changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and not self._from_sliders:
            self._redraw(change["new"], "")

    def _redraw(self, r: Rhythm, key: str) -> None:
        """Graph, generators and score of ``r``; ``key`` names the slider values it is for."""
        with self.hold_sync():
            self.generators = list(r.generators)
            try:
                title = self.title if key else None  # a rhythm set from Python: its own name
                self._svg = rhythm_svg(r, r.generators or None, title=title)
            except ValueError as exc:
                self._svg = ""
                self.error = f"graph not drawn: {exc}"
            self._svg_key = key
            self._update_score()
        self._notation_stale()

    def _notation_music(self) -> Rhythm | None:
        """The resultant, engraved as :func:`schillinger_kernel.notation.as_score` puts it."""
        return self.rhythm

    @t.observe("tempo", "pitch", "instrument")
    def _sound_changed(self, change: dict[str, Any]) -> None:
        if self._ready and self.rhythm is not None and (
                self.score is None or change["name"] != "tempo" or self.score.tempo != self.tempo):
            self._update_score()

    def _update_score(self) -> None:
        r = self.rhythm
        if r is None:
            return
        self.score = r.to_score(self.pitch, tempo=self.tempo, instrument=self.instrument,
                                title=self.title if self._svg_key else None)
        pitch, tempo, instrument = self.pitch, self.tempo, self.instrument
        self.code = (rhythm_code(self.technique, self._gens(), self.options, title=self.title,
                                 durations=r.durations, pitch=pitch, tempo=tempo,
                                 instrument=instrument) if self._svg_key
                     else durations_code(r.durations, pitch=pitch, tempo=tempo,
                                         instrument=instrument))

    def fallback_svg(self) -> str:
        """The Schillinger graph of the current rhythm (what nbconvert HTML shows)."""
        return self._svg or super().fallback_svg()


def _product(values: tuple[int, ...]) -> int:
    p = 1
    for v in values:
        p *= v
    return p
