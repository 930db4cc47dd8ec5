"""MusicXML in and out (via music21).

:func:`write_musicxml` writes measures, time and key signatures, instrument names and MIDI
programs, tempo marks, voices, ties across bar lines and only notatable note values (see
:mod:`schillinger_kernel.io.m21`); the file appears atomically. ``.musicxml`` / ``.xml`` are
plain text, ``.mxl`` compressed. :func:`read_musicxml` reads any MusicXML file into a Score.

Drum parts are written as unpitched percussion: every note names its drum with
``<instrument id=...>``, and the part lists one ``<score-instrument>`` / ``<midi-instrument>``
(channel 10, ``<midi-unpitched>`` = GM note + 1) per drum used, which is how MuseScore and other
notation programs build a drum set. music21's reader keeps only a part's first MIDI
instrument, so :func:`read_musicxml` first resolves each unpitched note to its MIDI note (by
its instrument, else by staff position and notehead) and reads the rest as usual.

>>> import tempfile, pathlib
>>> from schillinger_kernel import Score
>>> s = Score.from_durations((2, 1, 1, 2), pitches=(60, 64), unit=240)
>>> path = write_musicxml(s, pathlib.Path(tempfile.mkdtemp()) / "r.musicxml")
>>> [(n.start, n.duration, n.pitch) for n in read_musicxml(path).notes]
[(0, 480, 60), (480, 240, 64), (720, 240, 60), (960, 480, 64)]
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import ParameterTypeError
from ..score import Score
from .atomic import atomic_path, check_target
from .drumkit import drum_from_display, drum_name

__all__ = [
    "SUFFIXES",
    "join_staves",
    "read_musicxml",
    "resolve_unpitched",
    "staff_voices",
    "with_drum_instruments",
    "write_musicxml",
]


SUFFIXES = (".musicxml", ".xml", ".mxl")
_DRUM_ID = re.compile(r"P\d+-gm(\d+)-\d+")
_BEFORE_INSTRUMENT = ("grace", "cue", "chord", "pitch", "unpitched", "rest", "duration", "tie")
_STEPS = ("C", "C", "D", "D", "E", "F", "F", "G", "G", "A", "A", "B")


def _parse(data: bytes) -> tuple[bytes, ET.Element]:
    start = data.find(b"<score-partwise")
    if start < 0:
        start = data.find(b"<score-timewise")
    return (data[:start] if start > 0 else b""), ET.fromstring(data)


def _sub(parent: ET.Element, tag: str, text: str, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    el.text = text
    return el


def with_drum_instruments(data: bytes, drums: dict[int, int]) -> bytes:
    """Per-note ``<instrument>`` and per-drum MIDI instruments for the drum parts of a file
    written from :func:`~schillinger_kernel.io.m21.to_music21` (``drums``: part index ->
    GM program). The notes' ``P<k>-gm<note>-<n>`` ids name their drum and are removed.

    >>> from schillinger_kernel import Note, Part, Score
    >>> from schillinger_kernel.io.m21 import to_music21
    >>> from music21.musicxml.m21ToXml import GeneralObjectExporter
    >>> s = Score(parts=(Part.create("Kit", (Note(0, 240, 36), Note(480, 240, 42)), "drums"),))
    >>> xml = with_drum_instruments(GeneralObjectExporter(to_music21(s)).parse(), {0: 0})
    >>> xml.count(b"<midi-unpitched>"), xml.count(b"<instrument id="), b"gm36" in xml
    (2, 2, False)
    """
    header, root = _parse(data)
    score_parts = root.findall("part-list/score-part")
    parts = root.findall("part")
    for index, program in drums.items():
        sp, part = score_parts[index], parts[index]
        pid = sp.get("id", f"P{index + 1}")
        used: set[int] = set()
        for n in part.iter("note"):
            found = _DRUM_ID.fullmatch(n.get("id", ""))
            if found is None or n.find("unpitched") is None:
                continue
            gm = int(found.group(1))
            used.add(gm)
            del n.attrib["id"]
            at = max(k for k, c in enumerate(n) if c.tag in _BEFORE_INSTRUMENT) + 1
            n.insert(at, ET.Element("instrument", {"id": f"{pid}-I{gm + 1}"}))
        if not used:
            continue
        for old in sp.findall("score-instrument") + sp.findall("midi-instrument"):
            sp.remove(old)
        for gm in sorted(used):
            si = ET.SubElement(sp, "score-instrument", {"id": f"{pid}-I{gm + 1}"})
            _sub(si, "instrument-name", drum_name(gm))
        for gm in sorted(used):
            mi = ET.SubElement(sp, "midi-instrument", {"id": f"{pid}-I{gm + 1}"})
            _sub(mi, "midi-channel", "10")
            _sub(mi, "midi-program", str(program + 1))
            _sub(mi, "midi-unpitched", str(gm + 1))
    return header + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def staff_voices(data: bytes) -> bytes:
    """Voice numbers of a multi-staff part made stable: staff ``k``'s voices count from
    ``4k - 3`` in every measure, as written by
    :func:`~schillinger_kernel.io.musicxml_build.to_notation` (music21's exporter bumps a
    lower staff's voices in measures where the upper staff has one voice, so a tie over
    the bar line would join two voice numbers).

    >>> xml = (b'<score-partwise><part id="P1"><measure number="1">'
    ...        b'<note><voice>1</voice><staff>1</staff></note>'
    ...        b'<note><voice>6</voice><staff>2</staff></note>'
    ...        b'<note><voice>7</voice><staff>2</staff></note></measure></part></score-partwise>')
    >>> staff_voices(xml).count(b"<voice>5</voice>"), staff_voices(xml).count(b"<voice>6</voice>")
    (1, 1)
    """
    header, root = _parse(data)
    changed = False
    for part in root.findall("part"):
        for measure in part.findall("measure"):
            by_staff: dict[int, list[ET.Element]] = {}
            for n in measure.findall("note"):
                number, voice = (n.findtext("staff") or "").strip(), n.find("voice")
                if number.isdigit() and voice is not None and (
                        voice.text or "").strip().isdigit():
                    by_staff.setdefault(int(number), []).append(voice)
            if len(by_staff) < 2:
                continue
            for staff, found in by_staff.items():
                shift = min(int(v.text or 0) for v in found) - (4 * staff - 3)
                if shift:
                    changed = True
                    for v in found:
                        v.text = str(int(v.text or 0) - shift)
    if not changed:
        return data
    return header + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def resolve_unpitched(data: bytes) -> bytes:
    """Unpitched notes rewritten as the MIDI notes they play, for music21's reader.

    Each note's ``<instrument>`` gives its ``<midi-unpitched>``; without one, the part's only
    drum or the staff position and notehead (:mod:`~schillinger_kernel.io.drumkit`) decide.
    The part's MIDI instruments keep channel and program but lose ``<midi-unpitched>`` so that
    music21 reads them as a channel-10 part.

    >>> xml = (b'<score-partwise><part-list><score-part id="P1"><part-name>D</part-name>'
    ...        b'<midi-instrument id="I1"><midi-unpitched>37</midi-unpitched></midi-instrument>'
    ...        b'</score-part></part-list><part id="P1"><measure number="1"><note><unpitched>'
    ...        b'<display-step>F</display-step><display-octave>4</display-octave></unpitched>'
    ...        b'<duration>1</duration><instrument id="I1"/></note></measure></part>'
    ...        b'</score-partwise>')
    >>> out = resolve_unpitched(xml)
    >>> b"<step>C</step><octave>2</octave>" in out, b"<midi-channel>10</midi-channel>" in out
    (True, True)
    """
    root = ET.fromstring(data)
    score_parts = {sp.get("id"): sp for sp in root.findall("part-list/score-part")}
    for part in root.findall("part"):
        sp = score_parts.get(part.get("id"))
        kit: dict[str | None, int] = {}
        for mi in sp.findall("midi-instrument") if sp is not None else ():
            text = (mi.findtext("midi-unpitched") or "").strip()
            if text.isdigit() and 1 <= int(text) <= 128:
                kit[mi.get("id")] = int(text) - 1
        notes = [n for n in part.iter("note") if n.find("unpitched") is not None]
        if not notes and not kit:
            continue
        for n in notes:
            unp = n.find("unpitched")
            assert unp is not None
            inst = n.find("instrument")
            gm = kit.get(inst.get("id")) if inst is not None else None
            if gm is None and len(set(kit.values())) == 1:
                gm = next(iter(kit.values()))
            if gm is None:
                step, octave = unp.findtext("display-step"), unp.findtext("display-octave")
                if step and octave and octave.strip().lstrip("-").isdigit():
                    gm = drum_from_display(step.strip(), int(octave),
                                           (n.findtext("notehead") or "normal").strip())
            if gm is None:
                continue
            pitch = ET.Element("pitch")
            _sub(pitch, "step", _STEPS[gm % 12])
            if _STEPS[gm % 12] == _STEPS[(gm - 1) % 12]:
                _sub(pitch, "alter", "1")
            _sub(pitch, "octave", str(gm // 12 - 1))
            at = list(n).index(unp)
            n.remove(unp)
            n.insert(at, pitch)
        if sp is None:
            continue
        midis = sp.findall("midi-instrument")
        if not midis:
            first = sp.find("score-instrument")
            midis = [ET.SubElement(sp, "midi-instrument", {"id": first.get("id", "I1")
                                                           if first is not None else "I1"})]
        for mi in midis:
            for old in mi.findall("midi-unpitched"):
                mi.remove(old)
            if mi.find("midi-channel") is None:
                mi.insert(0, ET.Element("midi-channel"))
                mi[0].text = "10"
            if mi.find("midi-program") is None:
                at = max((k for k, c in enumerate(mi)
                          if c.tag in ("midi-channel", "midi-name", "midi-bank")), default=-1)
                mi.insert(at + 1, ET.Element("midi-program"))
                mi[at + 1].text = "1"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _write_mxl(target: Path, xml: bytes, name: str) -> None:
    container = ('<?xml version="1.0" encoding="UTF-8"?>\n<container><rootfiles>'
                 f'<rootfile full-path="{name}" media-type="application/vnd.recordare.'
                 'musicxml+xml"/></rootfiles></container>\n')
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.recordare.musicxml",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr(name, xml)


def _read_bytes(p: Path) -> bytes:
    if p.suffix.lower() != ".mxl":
        return p.read_bytes()
    with zipfile.ZipFile(p) as z:
        names = [n for n in z.namelist() if not n.startswith("META-INF/") and n != "mimetype"]
        root = None
        if "META-INF/container.xml" in z.namelist():
            rf = ET.fromstring(z.read("META-INF/container.xml")).find(".//rootfile")
            root = rf.get("full-path") if rf is not None else None
        return z.read(root or next(n for n in names if n.endswith((".xml", ".musicxml"))))


def write_musicxml(score: Score, path: str | os.PathLike[str], *,
                   chords: Sequence[tuple[int, str]] = (),
                   sections: Sequence[tuple[int, str]] = ()) -> Path:
    """Write ``score`` as MusicXML (``.musicxml``, ``.xml``, or compressed ``.mxl``) as a
    player reads it (see :mod:`~schillinger_kernel.io.musicxml_build`).

    ``chords``: ``(tick, symbol)`` pairs written as chord symbols (``<harmony>``) over the
    first part; ``sections``: ``(tick, label)`` pairs written as rehearsal marks.
    """
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    from .musicxml_build import to_notation

    if not isinstance(score, Score):
        raise TypeError(f"score must be a Score, got {type(score).__name__}")
    target = check_target(path, SUFFIXES)
    for what, pairs in (("chords", chords), ("sections", sections)):
        if isinstance(pairs, str) or not all(
                isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], int)
                and not isinstance(p[0], bool) and p[0] >= 0 and isinstance(p[1], str)
                and p[1] for p in pairs):
            raise ParameterTypeError(f"{what} must be (tick, text) pairs with a tick >= 0 "
                                     f"and non-empty text, got {pairs!r}", field=what)
    written, drums = to_notation(score, chords=chords, sections=sections)
    xml = staff_voices(GeneralObjectExporter(written).parse())
    if drums:
        xml = with_drum_instruments(xml, drums)
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".mxl":
            _write_mxl(tmp, xml, target.stem + ".musicxml")
        else:
            tmp.write_bytes(xml)
    return target


def join_staves(stream: Any) -> Any:
    """A music21 score whose multi-staff parts (``PartStaff`` s: a piano's grand staff) are
    joined back into one ``Part`` each, as our Score has them.

    >>> from music21 import stream, note
    >>> s = stream.Score()
    >>> for k, p in enumerate(("C5", "C3")):
    ...     staff = stream.PartStaff(id=f"P1-Staff{k + 1}")
    ...     staff.append(note.Note(p))
    ...     s.insert(0, staff)
    >>> [len(p.notes) for p in join_staves(s).parts]
    [2]
    """
    from music21 import stream as m21stream

    parts = list(stream.parts)
    if not any(isinstance(p, m21stream.PartStaff) for p in parts):
        return stream
    out = m21stream.Score()
    out.metadata = stream.metadata
    current: Any = None
    current_id = None
    for p in parts:
        group = (str(p.id).rsplit("-Staff", 1)[0] if isinstance(p, m21stream.PartStaff)
                 else None)
        flat = p.flatten()
        if group is not None and group == current_id and current is not None:
            for el in flat.notesAndRests:
                current.insert(el.getOffsetBySite(flat), el)
            continue
        current = m21stream.Part(id=p.id)
        current.partName = p.partName
        current.atSoundingPitch = p.atSoundingPitch
        for el in flat:
            current.insert(el.getOffsetBySite(flat), el)
        current_id = group
        out.insert(0, current)
    return out


def read_musicxml(path: str | os.PathLike[str]) -> Score:
    """Read a MusicXML file (``.musicxml``, ``.xml``, ``.mxl``) into a :class:`Score`."""
    from music21 import converter

    from .m21_read import from_music21
    from .musicxml_feel import played_feel

    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise ValueError(f"path {str(p)!r}: unsupported extension {p.suffix!r}; "
                         f"allowed: {', '.join(SUFFIXES)}")
    if not p.is_file():
        raise ValueError(f"path {str(p)!r} does not exist or is not a file")
    try:
        data = _read_bytes(p)
        if b"<unpitched" in data:
            stream = converter.parseData(resolve_unpitched(data).decode("utf-8"),
                                         format="musicxml")
        else:
            stream = converter.parse(str(p), format="musicxml")
    except Exception as exc:
        raise ValueError(f"path {str(p)!r} is not readable MusicXML: {exc}") from None
    return played_feel(from_music21(join_staves(stream)), stream)
