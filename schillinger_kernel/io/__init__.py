"""Reading and writing files: MIDI (mido), MusicXML (music21), audio (soundfile).

The only place in the core that touches the file system; every writer is atomic.
"""

__all__ = ["atomic", "audio", "drumkit", "m21", "m21_read", "midi", "musicxml", "musicxml_build",
           "musicxml_staves", "musicxml_values"]
