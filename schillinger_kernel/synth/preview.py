"""placeholder"""
def render_audio(preset, context, duration):
    raise NotImplementedError
