"""The checker: text -> SudachiPy analysis -> speech acts (rules as data) -> rubric -> Report.

Nothing here imports from the learner's side, nbgrader or the cohort tools.
"""
