"""The Audio value (schillinger_kernel/audio.py): shape, rate, immutability, errors, pickling."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from schillinger_kernel.audio import MAX_RATE, MIN_RATE, Audio, db
from schillinger_kernel.errors import ParameterError, ParameterTypeError


def test_audio_is_a_read_only_float32_value() -> None:
    a = Audio(np.arange(6, dtype=np.int16).reshape(3, 2), np.int64(8000))
    assert a.samples.dtype == np.float32 and a.sample_rate == 8000 and type(a.sample_rate) is int
    with pytest.raises(ValueError):
        a.samples[0, 0] = 1.0
    assert pickle.loads(pickle.dumps(a)) == a and hash(a) == hash(Audio(a.samples, 8000))
    assert Audio(np.zeros((4, 2)), 8000).peak == 0.0 and db(0.0) == -math.inf


@pytest.mark.parametrize("samples, rate, exc, field", [
    (np.zeros((4, 2)), MIN_RATE - 1, ParameterError, "sample_rate"),
    (np.zeros((4, 2)), MAX_RATE + 1, ParameterError, "sample_rate"),
    (np.zeros((4, 2)), 48000.0, ParameterTypeError, "sample_rate"),
    (np.zeros((4, 2)), True, ParameterTypeError, "sample_rate"),
    (np.zeros((2, 2, 2)), 48000, ParameterError, "samples"),
    (np.array([["a", "b"]]), 48000, ParameterTypeError, "samples"),
    (np.array([[0.0, math.inf]]), 48000, ParameterError, "samples"),
])
def test_audio_errors_name_their_field(samples: np.ndarray, rate: object, exc: type,
                                       field: str) -> None:
    with pytest.raises(exc) as err:
        Audio(samples, rate)  # type: ignore[arg-type]
    assert isinstance(err.value, ParameterError | ParameterTypeError)
    assert err.value.field == field
