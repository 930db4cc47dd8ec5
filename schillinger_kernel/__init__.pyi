# Types of the lazy top level (__init__.py loads these on first access): a checker sees
# sk.render, sk.rhythm.interference or sk.harmony.Progression as what they are.
from typing import Any

from . import analysis as analysis
from . import audio as audio
from . import checks as checks
from . import cli as cli
from . import compose as compose
from . import dsp as dsp
from . import errors as errors
from . import harmony as harmony
from . import instruments as instruments
from . import io as io
from . import melody as melody
from . import notation as notation
from . import pitch as pitch
from . import projection as projection
from . import rhythm as rhythm
from . import scales as scales
from . import score as score
from . import server as server
from . import synth as synth
from . import tempo as tempo
from . import widgets as widgets
from .analysis import quality as quality
from .audio import Audio as Audio
from .compose import accompany as accompany
from .compose import generate_composition as generate_composition
from .compose import quick_compose as quick_compose
from .harmony import analyze_harmony as analyze_harmony
from .harmony import generate_progression as generate_progression
from .io.audio import read_audio as read_audio
from .io.midi import read_midi as read_midi
from .io.musicxml import read_musicxml as read_musicxml
from .pitch import Key as Key
from .pitch import key as key
from .rhythm import Rhythm as Rhythm
from .score import PPQ as PPQ
from .score import Note as Note
from .score import Part as Part
from .score import Score as Score
from .score import TempoChange as TempoChange
from .score import TimeSignature as TimeSignature
from .synth import render as render
from .synth import render_audio as render_audio
from .synth import render_many as render_many
from .widgets import ScoreView as ScoreView

__version__: str
__all__: list[str]

def __getattr__(name: str) -> Any: ...
def _jupyter_labextension_paths() -> list[dict[str, str]]: ...
