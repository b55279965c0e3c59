"""Role-play conversations: the customer answers each turn according to what the checker finds.

Imports graders.checker and graders.learner, never the other way round. Public names:
``play`` (without widgets) and ``RolePlay`` (the chat widget, imported on first use).
"""

from .summary import play


def __getattr__(name):
    if name == "RolePlay":  # ipywidgets loads only when the widget is wanted
        from .widget import RolePlay

        return RolePlay
    raise AttributeError(name)


__all__ = ["RolePlay", "play"]
