"""Instructors' cohort tools: grade-cohort, tamper-check, review-comments, demo-cohort, the report."""
