"""nbgrader: writing and releasing the assignments, what grade cells call, anti-gaming, preprocessors."""
