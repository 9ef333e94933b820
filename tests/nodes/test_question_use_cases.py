"""Drafts from a question's reading: a route between two named places and a reach bound."""

from __future__ import annotations

from gaai_graph.models import AttributeProfile, CollectionProfile, EdgeDefinition, GraphSchema
from gaai_graph.nodes.question_use_cases import choose_method, question_parameters
from gaai_graph.questions import build_name_index, read_question

SCHEMA = GraphSchema(
    source="memory",
    collections=[
        CollectionProfile(
            name="stations",
            kind="document",
            count=200,
            attributes=[AttributeProfile(name="name", types=["string"], presence=1.0)],
            label_attribute="name",
        ),
        CollectionProfile(
            name="links",
            kind="edge",
            count=400,
            role="edge",
            attributes=[AttributeProfile(name="distance_km", types=["number"], presence=1.0)],
        ),
    ],
    edge_definitions=[
        EdgeDefinition(
            edge_collection="links",
            from_vertex_collections=["stations"],
            to_vertex_collections=["stations"],
        )
    ],
    fingerprint="f",
)
NAMES = build_name_index(
    {"stations": [{"_key": "a", "name": "Uppergate Central"}, {"_key": "b", "name": "Thornwell"}]}
)


def test_a_route_between_two_named_places_runs_the_weighted_shortest_path():
    reading = read_question(
        "Route from Uppergate Central to Thornwell, shortest by track length?",
        SCHEMA,
        lookup=NAMES,
    )
    primary = reading.primary
    method = choose_method(primary)
    assert method is not None and method.name == "shortest_path"
    assert question_parameters(method, primary) == {
        "weight_attribute": "distance_km",
        "source": "stations/a",
        "target": "stations/b",
    }


def test_a_reach_within_a_distance_becomes_the_methods_bound():
    reading = read_question(
        "How many stations are within 5 km of Thornwell?", SCHEMA, lookup=NAMES
    ).primary
    method = choose_method(reading)
    assert method is not None and method.name == "reachability"
    parameters = question_parameters(method, reading)
    assert parameters["max_distance"] == 5.0
    assert parameters["weight_attribute"] == "distance_km"


def test_look_alikes_of_no_named_vertex_are_pairwise_similarity():
    reading = read_question("Which stations are most alike?", SCHEMA, lookup=NAMES).primary
    reading = reading.model_copy(update={"method_hints": ["attribute_knn", "jaccard"]})
    # Look-alikes of one vertex need it named; without it, pairwise similarity answers.
    method = choose_method(reading)
    assert method is not None and method.name == "jaccard"
    named = read_question("Which stations are most like Thornwell?", SCHEMA, lookup=NAMES)
    primary = named.primary.model_copy(update={"method_hints": ["attribute_knn", "jaccard"]})
    assert primary.entities and choose_method(primary).name == "attribute_knn"
