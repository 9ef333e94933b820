"""gaai_graph: graph analytics agent graph."""
