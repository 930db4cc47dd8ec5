"""Former home of :class:`~schillinger_kernel.audio.Audio`, kept so old imports still work.

The value moved to :mod:`schillinger_kernel.audio` (it is not synthesis: io, dsp and analysis
use it too, and importing it from here made them depend on ``synth``).

>>> from schillinger_kernel.synth.audio import Audio
>>> from schillinger_kernel import audio
>>> Audio is audio.Audio
True
"""

from __future__ import annotations

from ..audio import MAX_RATE, MIN_RATE, Audio, db

__all__ = ["MAX_RATE", "MIN_RATE", "Audio", "db"]
