"""The one error a learner or an instructor is meant to see: bad input, said in Japanese."""


class InputError(ValueError):
    """Input the checker cannot grade (empty, too long, not text, unknown scenario...).

    ``str(error)`` is a one-line message in Japanese that says what to do.
    """

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: a learner sees one Japanese line.
        return [str(self)]
