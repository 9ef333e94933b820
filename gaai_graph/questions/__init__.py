"""Question understanding: what a plainly worded question asks of the graph.

Pure functions, no LangGraph and no I/O. `read_question` reads intents (the shared
`QuestionIntent` vocabulary) with their details; `build_name_index` + `resolve_entities` turn
names in the question into vertex ids; `intent_catalogue` lists the intents and methods for an
LLM prompt, so both paths choose from the same catalogue.
"""

from gaai_graph.questions.catalogue import IntentEntry, intent_catalogue, intent_catalogue_text
from gaai_graph.questions.entities import (
    EntityLookup,
    NameIndex,
    build_name_index,
    cached_name_index,
    name_index_of,
    resolve_entities,
)
from gaai_graph.questions.graph_terms import GraphTerms, graph_terms
from gaai_graph.questions.models import (
    Candidate,
    EntityMention,
    IntentReading,
    NameMatch,
    QuestionReading,
)
from gaai_graph.questions.reader import read_question

__all__ = [
    "Candidate",
    "EntityLookup",
    "EntityMention",
    "GraphTerms",
    "IntentEntry",
    "IntentReading",
    "NameIndex",
    "NameMatch",
    "QuestionReading",
    "build_name_index",
    "cached_name_index",
    "graph_terms",
    "intent_catalogue",
    "intent_catalogue_text",
    "name_index_of",
    "read_question",
    "resolve_entities",
]
