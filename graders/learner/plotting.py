"""Matplotlib with Japanese labels: every chart of the course goes through japanese_rc()."""

from __future__ import annotations

import functools


@functools.cache
def _font_family() -> str:
    # matplotlib-fontja ships IPAexGothic and registers it on import, so Japanese labels
    # render on any machine (matplotlib's default font has no Japanese glyphs).
    import matplotlib_fontja  # noqa: F401
    from matplotlib import rcParams

    return rcParams["font.family"][0]


def japanese_rc() -> dict:
    """rc settings for ``matplotlib.pyplot.rc_context`` that draw Japanese text."""
    return {"font.family": [_font_family(), "DejaVu Sans"]}
