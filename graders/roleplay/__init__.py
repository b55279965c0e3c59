"""Role-play conversations: the customer answers each turn according to what the checker finds.

Imports graders.checker and graders.learner, never the other way round.
"""
