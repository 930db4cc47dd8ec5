"""What ScoreView follows: :func:`schillinger_kernel.notation.engraving`, the pages with the
time each drawn note sounds, checked against the score itself on real pieces (several parts,
a transposing saxophone, drums, quintuplets, notes tied over bar lines)."""

from __future__ import annotations

import pytest

import schillinger_kernel as sk
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.notation import engraving
from schillinger_kernel.score import Score

PIECES = {
    "jazz quintet": lambda: sk.generate_composition("Jazz Sketch", 140, "Bb major", 8, "jazz",
                                                    0.7, seed=4),
    "quintuplets": lambda: sk.rhythm.interference(5, 4).to_score(pitch=67, unit=96, repeat=2),
    "string quartet": lambda: sk.generate_composition("E", 100, "Eb minor", 8, "classical",
                                                      seed=2),
}


@pytest.mark.parametrize("name", sorted(PIECES))
def test_every_onset_is_drawn_and_every_drawing_sounds(name: str) -> None:
    score: Score = PIECES[name]()
    e = engraving(score)
    onsets = {n.start for n in score.notes}
    drawn = {n.start for n in e.notes}
    assert onsets <= drawn, f"onsets with no drawn note: {sorted(onsets - drawn)[:5]}"
    # a drawing that starts where no note does is the continuation of a tied note
    for t in drawn - onsets:
        assert any(n.start < t < n.start + n.duration for n in score.notes), t
    assert len(e.notes) >= len(score.notes)
    assert all(n.end > n.start and 1 <= n.page <= len(e.pages) for n in e.notes)
    for k, page in enumerate(e.pages, 1):
        assert all(f'<g id="{n.id}" class="note"' in page for n in e.notes if n.page == k)


def test_pages_scale_to_their_width() -> None:
    page = engraving(Score.from_durations((2, 1, 1, 2)), width=500).pages[0]
    assert page.startswith('<svg width="500px" height="') and 'viewBox="0 0 500 ' in page


def test_too_much_svg_is_refused_with_what_to_do() -> None:
    s = sk.generate_composition("E", 100, "C major", 8, "classical", seed=1)
    with pytest.raises(ParameterError, match=r"sk\.notation\.excerpt\(score, bars\)"):
        engraving(s, max_bytes=2048)
    with pytest.raises(ParameterError, match=r"max_bytes must be in 1024\.\.67108864, got 1"):
        engraving(s, max_bytes=1)
