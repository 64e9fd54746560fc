"""Assessments, measures, steps and their progress."""
