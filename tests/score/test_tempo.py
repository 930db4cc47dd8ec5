"""The one tempo map: ticks <-> seconds, scalar and vectorised, and its users agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel.errors import ParameterError
from schillinger_kernel.score import Score
from schillinger_kernel.tempo import TempoChange, TempoMap

MAP = TempoMap((TempoChange(0, 120.0), TempoChange(960, 60.0), TempoChange(1920, 240.0)))


def test_worked_values() -> None:
    # 960 ticks at 120 BPM = 1 s; 960 more at 60 BPM = 2 s; then 480 ticks = 0.25 s
    assert MAP.seconds(960) == 1.0
    assert MAP.seconds(1920) == 3.0
    assert MAP.seconds(2400) == 3.25
    assert MAP.ticks(3.25) == 2400.0


def test_a_map_needs_a_tempo_at_tick_zero() -> None:
    with pytest.raises(ParameterError):
        TempoMap((TempoChange(10, 120.0),))


changes = st.lists(st.tuples(st.integers(1, 50_000), st.floats(20.0, 400.0)), max_size=6)


@given(changes, st.lists(st.integers(0, 200_000), min_size=1, max_size=20))
def test_arrays_match_scalars_and_invert(extra: list[tuple[int, float]],
                                         ticks: list[int]) -> None:
    m = TempoMap((TempoChange(0, 100.0), *(TempoChange(t, b) for t, b in extra)))
    secs = m.seconds_array(ticks)
    assert np.allclose(secs, [m.seconds(t) for t in ticks])
    assert np.allclose(m.ticks_array(secs), ticks, atol=1e-6)
    assert np.all(np.diff(m.seconds_array(sorted(ticks))) >= 0)


def test_score_widgets_and_synth_share_the_map() -> None:
    from schillinger_kernel.widgets._wire import tick_seconds

    s = Score(tempos=MAP.changes)
    ticks = np.array([0, 480, 960, 1440, 1920, 2400])
    expected = MAP.seconds_array(ticks)
    assert np.allclose(tick_seconds(s, ticks), expected)
    assert [s.seconds_at(int(t)) for t in ticks] == pytest.approx(list(expected))
