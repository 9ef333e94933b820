"""Evidence for findings: baselines, attribute profiles, names, confidence and analyst wording.

Pure functions over numpy arrays and plain Python values (no LangGraph, no I/O), wired into the
reports by the report writer.
"""
