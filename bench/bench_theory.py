"""Theory throughput, and MIDI out/in side by side with music21 (the Python peer for files)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.timing import median_time, rate
from schillinger_kernel import read_midi
from schillinger_kernel import rhythm as R
from schillinger_kernel.score import Score


def _piece() -> Score:
    s = R.interference(3, 2).to_score(("C3", "G3"), instrument="bass", repeat=64)
    s = s.layer(R.fractioning(4, 3).to_score(("E5", "G5", "B5", "D6"), instrument="flute",
                                             repeat=24))
    s = s.layer(R.interference(2, 3, 5).to_score(("C4", "E4", "G4"), repeat=10))
    return s.layer(R.interference(4, 3).to_score(42, instrument="drums", repeat=30))


def main() -> None:
    print("theory throughput (calls per second, one core):")
    cases: dict[str, Callable[[], object]] = {
        "interference, all 19 canonical pairs": lambda: [R.interference(a, b)
                                                         for a, b in R.canonical_pairs()],
        "interference(2, 3, 5)": lambda: R.interference(2, 3, 5),
        "fractioning(9, 8)": lambda: R.fractioning(9, 8),
        "balance(7, 3)": lambda: R.balance(7, 3),
        "power((3, 2, 1), 4)": lambda: R.power((3, 2, 1), 4),
        "general_permutations of 6": lambda: R.general_permutations((1, 2, 3, 4, 5, 6)),
    }
    for name, fn in cases.items():
        print(f"  {name:40s} {rate(fn):12,.0f} /s")

    import warnings

    import music21

    warnings.filterwarnings("ignore", module="music21")  # track names that are not instruments
    score = _piece()
    n_notes = len(score.notes)
    with tempfile.TemporaryDirectory() as d:
        ours_path, peer_path = Path(d) / "ours.mid", Path(d) / "peer.mid"
        stream = score.to_music21()
        t_ours = median_time(lambda: score.to_midi(ours_path))
        t_peer = median_time(lambda: stream.write("midi", fp=str(peer_path)))
        print(f"\nMIDI write, {n_notes} notes in {len(score.parts)} parts (median of 5):")
        print(f"  schillinger_kernel  {t_ours * 1000:8.1f} ms")
        print(f"  music21 {music21.__version__:10s}  {t_peer * 1000:8.1f} ms")
        print(f"  ratio (music21 / ours): {t_peer / t_ours:.1f}x")
        t_ours_r = median_time(lambda: read_midi(ours_path))
        t_peer_r = median_time(lambda: music21.converter.parse(ours_path, forceSource=True))
        print("MIDI read of the same file (median of 5):")
        print(f"  schillinger_kernel  {t_ours_r * 1000:8.1f} ms")
        print(f"  music21             {t_peer_r * 1000:8.1f} ms")
        print(f"  ratio (music21 / ours): {t_peer_r / t_ours_r:.1f}x")


if __name__ == "__main__":
    main()
