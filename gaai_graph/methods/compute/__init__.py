"""Pure computations behind the method families, on python-igraph.

Every function here takes an `igraph.Graph` (plus weights, attributes and parameters), validates
its parameters with one clear line per problem (`TemplateValidationError`), and returns plain
numpy arrays, Python values or small frozen dataclasses. Nothing here reads a data source,
writes a report or knows about templates: the method modules in `gaai_graph.methods` declare
the methods and interpret these results. igraph runs the algorithm wherever it has one; the
few computations written here by hand say so in their docstrings. Every function is checked
against NetworkX in `tests/methods/compute/`.

Conventions shared by all modules:

- vertices are igraph vertex indices (0..n-1); callers map them to ArangoDB ids;
- `weights` is None (every edge counts 1), the name of a numeric edge attribute, or one number
  per edge;
- `mode` is "out", "in" or "all" (follow edges forwards, backwards, or ignore direction); on an
  undirected graph every mode means "all";
- randomised computations take a `seed`; the same seed gives the same result.
"""
