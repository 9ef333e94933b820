"""Graph analysis engines: where algorithms run."""
