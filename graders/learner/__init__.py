"""The learner's side: the rewrite form, answers.json, the check without widgets, progress."""
