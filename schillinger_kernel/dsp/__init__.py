"""Signal processing that is not synthesis: meters, mastering and convolution.

The layer below ``io``, ``synth`` and ``analysis``: each of them imports from here and none
from another, so there is no import circle among them. Modules here import only NumPy, SciPy
and :mod:`schillinger_kernel.audio`, :mod:`~schillinger_kernel.errors` and
:mod:`~schillinger_kernel.checks`.

* :mod:`.convolution`: :func:`fft_convolve` on any array namespace (NumPy or CuPy).
* :mod:`.loudness`: K-weighting, integrated loudness and loudness range (ITU-R BS.1770-4,
  EBU Tech 3342).
* :mod:`.peaks`: oversampled peaks and true peak (BS.1770 Annex 2).
* :mod:`.mastering`: resampling, a true-peak limiter, peak and loudness normalisation with
  their presets, TPDF dither to 16 bits.
* :mod:`.threads`: how many worker threads this process should use.

Examples
--------
>>> import numpy as np
>>> from schillinger_kernel.audio import Audio
>>> from schillinger_kernel import dsp
>>> t = np.arange(48000 * 2) / 48000
>>> tone = Audio(np.stack([0.1 * np.sin(2 * np.pi * 997 * t)] * 2, axis=1), 48000)
>>> round(dsp.integrated_loudness(tone), 1), round(dsp.true_peak_db(tone), 1)
(-20.0, -20.0)
"""

from __future__ import annotations

from .convolution import fft_convolve
from .loudness import ABS_GATE, integrated_loudness, k_filter, k_weighting, loudness_range
from .mastering import (
    DITHER_SAMPLES,
    NORMALIZE,
    PRESETS,
    limit_true_peak,
    normalize,
    promised_peak,
    quantize_int16,
    resample,
)
from .peaks import oversampled_peaks, true_peak_db
from .threads import cpu_threads

__all__ = [
    "ABS_GATE",
    "DITHER_SAMPLES",
    "NORMALIZE",
    "PRESETS",
    "cpu_threads",
    "fft_convolve",
    "integrated_loudness",
    "k_filter",
    "k_weighting",
    "limit_true_peak",
    "loudness_range",
    "normalize",
    "oversampled_peaks",
    "promised_peak",
    "quantize_int16",
    "resample",
    "true_peak_db",
]
