"""The ``schillinger`` command line.

    schillinger rhythm interference 3 2            durations and a text graph
    schillinger rhythm fractioning 3 2 --midi r.mid
    schillinger rhythm identify drums.mid          which Book I technique made each part
    schillinger compose piece.mid piece.musicxml --style jazz --key "F major" --seed 4
    schillinger harmony --key "A minor" --style jazz      a progression: symbols, numerals
    schillinger harmony --cycle C3 --length 7              a Book V cycle, voice-led
    schillinger demo DIR                           a short piece written to DIR
    schillinger bridge https://hub.example/user/alice/ --token T   local OSC, MIDI, Link

Bad input exits with code 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__

__all__ = [
    "build_parser",
    "command",
    "demo_score",
    "main",
]


# Subcommand registry: name -> (add_arguments, run). Other domains add theirs with `command`.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None],
                           Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help: str) -> Callable[
        [Callable[[argparse.ArgumentParser], None]],
        Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]]:
    """Register a subcommand: decorate its argument builder, then its runner."""
    def args_deco(add: Callable[[argparse.ArgumentParser], None]) -> Callable[
            [Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
        def run_deco(run: Callable[[argparse.Namespace], int]) -> Callable[
                [argparse.Namespace], int]:
            _COMMANDS[name] = (help, add, run)
            return run
        return run_deco
    return args_deco


def _rhythm_args(p: argparse.ArgumentParser) -> None:
    from .rhythm import TECHNIQUES

    p.add_argument("technique", choices=[*sorted(TECHNIQUES), "identify"],
                   help="Book I technique, or identify (then give a MIDI file)")
    p.add_argument("generators", nargs="+", metavar="N",
                   help="generators, major first (e.g. 3 2); for identify: the MIDI file")
    p.add_argument("--tolerance", type=int, default=0,
                   help="identify: largest total difference of durations still reported")
    p.add_argument("--top", type=int, default=3, help="identify: matches shown per rhythm")
    p.add_argument("--midi", metavar="PATH", help="also write the rhythm as a MIDI file")
    p.add_argument("--tempo", type=float, default=120.0, help="tempo in BPM for --midi")
    p.add_argument("--pitch", default="C4", help="pitch name or MIDI number for --midi")
    p.add_argument("--repeat", type=int, default=2, help="times to repeat in the MIDI file")
    p.add_argument("--no-graph", action="store_true", help="print the durations only")


@command("rhythm", "Book I rhythms: interference, fractioning, balance, powers ...")(_rhythm_args)
def _rhythm_run(ns: argparse.Namespace) -> int:
    from .rhythm import technique
    from .rhythm.graph import rhythm_text

    if ns.technique == "identify":
        return _identify_run(ns)
    gens = []
    for g in ns.generators:
        try:
            gens.append(int(g))
        except ValueError:
            raise ValueError(f"generators must be ints (e.g. 3 2), got {g!r}") from None
    r = technique(ns.technique, gens)
    print(" ".join(map(str, r.durations)))
    if not ns.no_graph:
        print(rhythm_text(r, r.generators or None))
    if ns.midi:
        pitch: int | str = int(ns.pitch) if str(ns.pitch).isdigit() else ns.pitch
        path = r.to_score(pitch, tempo=ns.tempo, repeat=ns.repeat).to_midi(ns.midi)
        print(f"wrote {path}")
    return 0


def _identify_run(ns: argparse.Namespace) -> int:
    from .io.midi import read_midi
    from .rhythm.identify import durations_of, identify

    if len(ns.generators) != 1:
        raise ValueError(f"identify takes one MIDI file, got {len(ns.generators)} arguments")
    score = read_midi(ns.generators[0])
    if not 1 <= ns.top <= 100:
        raise ValueError(f"--top must be in 1..100, got {ns.top}")
    # every part loops over the score's whole length, so drums stay aligned with each other
    period = -(-score.end // score.bar_ticks) * score.bar_ticks
    found = 0
    for part in score.parts:
        if not part.notes:
            continue
        # a kit plays several rhythms at once: each drum is read alone as well as the whole
        pitches = sorted({n.pitch for n in part.notes}) if part.is_drums else []
        for pitch in [None, *pitches] if len(pitches) > 1 else [None]:
            label = part.name if pitch is None else f"{part.name} pitch {pitch}"
            try:
                durs = durations_of(part, period=period, pitch=pitch)
            except ValueError as exc:
                print(f"{label}: {exc}")
                continue
            matches = identify(durs, ns.tolerance)
            print(f"{label}: {' '.join(map(str, durs))}")
            for m in matches[:ns.top]:
                found += 1
                opts = "".join(f" {k}={v}" for k, v in m.options)
                gens = "÷".join(map(str, m.generators))
                print(f"  {m.technique} {gens}{opts} rotation={m.rotation} "
                      f"distance={m.distance}")
            if not matches:
                print("  no Book I technique fits")
    return 0 if found else 1


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default="demo", help="folder to write into (created)")


def demo_score() -> object:
    """The demo piece: r(3÷2) in the bass against r(4÷3) and a fractioned line above."""
    from .rhythm import fractioning, interference

    bass = interference(3, 2).to_score(("C2", "G2"), instrument="bass", repeat=8,
                                       title="Bass r3÷2")
    mid = interference(4, 3).to_score(("E4", "G4", "C5", "D5"), instrument="vibraphone",
                                      repeat=4, unit=240, title="Vibes r4÷3")
    top = fractioning(3, 2).to_score(("C5", "D5", "E5", "G5", "A5"), instrument="flute",
                                     repeat=5, unit=240, title="Flute fractioning 3÷2")
    return bass.layer(mid).layer(top)


@command("demo", "write a short Schillinger piece as MIDI, MusicXML and audio")(_demo_args)
def _demo_run(ns: argparse.Namespace) -> int:
    from dataclasses import replace

    from .score import Score

    out = Path(ns.dir)
    out.mkdir(parents=True, exist_ok=True)
    score = demo_score()
    assert isinstance(score, Score)
    score = replace(score, title="Schillinger demo: interference and fractioning")
    written = [score.to_midi(out / "demo_rhythm.mid")]
    from .compose import generate_composition

    piece = generate_composition("Schillinger demo: composition", 108, "D minor", 16, "jazz",
                                 0.5, seed=1)
    written += [piece.to_midi(out / "demo_composition.mid"),
                piece.to_musicxml(out / "demo_composition.musicxml"),
                # rendered by our synth, normalised to the streaming loudness (-14 LUFS)
                piece.export_audio(out / "demo_composition.flac", normalize="streaming",
                                   bit_depth=24)]
    for path in written:
        print(f"wrote {path}")
    return 0


def _compose_args(p: argparse.ArgumentParser) -> None:
    from .compose import COMPOSE_STYLES, ENSEMBLES

    p.add_argument("out", nargs="+", metavar="PATH",
                   help="files to write: .mid/.midi (MIDI), .musicxml/.xml/.mxl (MusicXML)")
    p.add_argument("--style", default="classical", choices=COMPOSE_STYLES,
                   help="style (blues: 12-bar choruses, --bars 12 or more; shuffle: pop "
                        "harmony with the shuffle feel)")
    p.add_argument("--key", default="C major", help="key, e.g. 'D minor' (default C major)")
    p.add_argument("--bars", type=int, default=16, help="length in bars (default 16)")
    p.add_argument("--tempo", type=float, default=120.0, help="BPM (default 120)")
    p.add_argument("--complexity", type=float, default=0.5, help="0..1 (default 0.5)")
    p.add_argument("--seed", type=int, default=None, help="seed for a reproducible piece")
    p.add_argument("--ensemble", choices=sorted(ENSEMBLES), default=None,
                   help="ensemble (default: the style's)")
    p.add_argument("--themes", nargs="+", metavar="THEME", default=None,
                   help="rhythmic themes in the book's notation: generators (3:2, r3÷2, "
                        "2:3:5) or durations (2+1+1+2)")
    p.add_argument("--title", default="Untitled", help="title of the piece")
    p.add_argument("--meter", default="4/4", help="meter: 2/4 3/4 4/4 5/4 6/8 7/8 9/8 12/8 "
                   "(default 4/4)")


@command("compose", "compose a piece (Books I-V correlated) and write MIDI/MusicXML")(
    _compose_args)
def _compose_run(ns: argparse.Namespace) -> int:
    from .compose import generate_composition, quick_compose

    kinds = {".mid": "midi", ".midi": "midi", ".musicxml": "xml", ".xml": "xml", ".mxl": "xml"}
    for path in ns.out:
        if Path(path).suffix.lower() not in kinds:
            raise ValueError(f"PATH {path!r}: use .mid, .midi, .musicxml, .xml or .mxl")
    if ns.themes:
        score = quick_compose(ns.themes, duration=ns.bars, style=ns.style,
                              ensemble=ns.ensemble, key=ns.key, tempo=ns.tempo,
                              complexity=ns.complexity, seed=ns.seed, title=ns.title,
                              meter=ns.meter)
    else:
        score = generate_composition(ns.title, ns.tempo, ns.key, ns.bars, ns.style,
                                     ns.complexity, ns.seed, ns.ensemble, meter=ns.meter)
    for path in ns.out:
        kind = kinds[Path(path).suffix.lower()]
        written = score.to_midi(path) if kind == "midi" else score.to_musicxml(path)
        print(f"wrote {written}")
    return 0


def _harmony_args(p: argparse.ArgumentParser) -> None:
    from .harmony import STYLES

    p.add_argument("--key", default="C major", help="key, e.g. 'A minor' (default C major)")
    p.add_argument("--length", type=int, default=8, help="number of chords (default 8)")
    p.add_argument("--style", default="classical", choices=STYLES, help="style")
    p.add_argument("--complexity", type=float, default=0.5, help="0..1 (default 0.5)")
    p.add_argument("--seed", type=int, default=None, help="seed for a reproducible result")
    p.add_argument("--cycle", choices=("C3", "C5", "C7"), nargs="+", default=None,
                   help="a Book V cycle progression instead (two or three: binomial ...)")
    p.add_argument("--direction", choices=("positive", "negative"), default="positive",
                   help="cycle direction (with --cycle)")
    p.add_argument("--structure", choices=("S5", "S7", "S9", "S11", "S13"), default="S7",
                   help="structure (with --cycle)")
    p.add_argument("--json", action="store_true", help="print the progression as JSON")


@command("harmony", "print a progression (generated by style, or a Book V cycle)")(
    _harmony_args)
def _harmony_run(ns: argparse.Namespace) -> int:
    import json

    from .harmony import cycle_progression, generate_progression
    from .pitch import pitch_name

    if ns.cycle:
        prog = cycle_progression(ns.key, tuple(ns.cycle), ns.direction, ns.length,
                                 ns.structure)
    else:
        prog = generate_progression(ns.key, ns.length, ns.complexity, ns.style, ns.seed)
    if ns.json:
        print(json.dumps(prog.to_dict()))
        return 0
    print(" ".join(prog.symbols))
    print(" ".join(prog.romans))
    for c in prog:
        print(f"{c.symbol:>10} {c.roman:>8}  " + " ".join(pitch_name(p) for p in c.pitches))
    return 0


def _bridge_args(p: argparse.ArgumentParser) -> None:
    from .server.bridge.cli import add_arguments

    add_arguments(p)


@command("bridge", "relay a remote hub to this machine: local OSC, MIDI out, Ableton Link")(
    _bridge_args)
def _bridge_run(ns: argparse.Namespace) -> int:
    from .server.bridge.cli import run

    return run(ns)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit code 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = _Parser(prog="schillinger",
                     description="Schillinger Workbench: the System of Musical Composition.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, add, _) in _COMMANDS.items():
        add(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``schillinger`` console script; returns the exit code."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    if not ns.command:
        parser.print_help()
        return 2
    try:
        return _COMMANDS[ns.command][2](ns)
    except (ValueError, TypeError) as exc:
        print(f"schillinger {ns.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
