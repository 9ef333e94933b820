"""Graph sources: where graphs come from."""
