"""Workflow nodes, one module per phase."""
