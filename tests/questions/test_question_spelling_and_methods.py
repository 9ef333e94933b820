"""Misspelt cue words, schema-dependent readings and the default methods of a reading."""

from __future__ import annotations

import pytest

from gaai_graph.questions import build_name_index, read_question
from gaai_graph.questions.spelling import correct_spelling
from gaai_graph.questions.text import tokenize


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("most importent people", "importance"),
        ("find the comunities", "communities"),
        ("acounts that recieve money from many others", "collectors"),
        ("any round triping of funds betwen accounts", "cycles"),
        ("people bridgeing diffrent groups", "brokers"),
        ("simillar stations", "similarity"),
    ],
)
def test_misspelt_cue_words_are_read_as_meant(question, intent):
    assert read_question(question).primary.intent == intent


def test_names_and_dictionary_words_are_not_corrected():
    tokens = correct_spelling(tokenize("from Pendale to Halvale Green via the bakery"))
    assert [t.lower for t in tokens] == [
        "from",
        "pendale",
        "to",
        "halvale",
        "green",
        "via",
        "the",
        "bakery",
    ]


def test_single_point_of_failure_follows_the_graph(supply_schema, transport_schema):
    question = "Which ones are single points of failure?"
    assert read_question(question, supply_schema).primary.intent == "dependencies"
    network = read_question(question, transport_schema).primary
    assert network.intent == "connectivity"
    assert network.method_hints[0] == "articulation_points"


def test_betweenness_of_named_entities_is_an_importance_score(transport_schema):
    index = build_name_index(
        {"stations": [{"_key": "a", "name": "Bank"}, {"_key": "b", "name": "Angel"}]}
    )
    reading = read_question(
        "What is the betweenness of Bank?", transport_schema, lookup=index
    ).primary
    assert (reading.intent, reading.value_kind, reading.method_hints[0]) == (
        "importance",
        "score",
        "betweenness",
    )
    compare = read_question(
        "Which of Bank and Angel sits on more shortest paths?", transport_schema, lookup=index
    )
    assert compare.primary.intent == "importance"
    assert compare.primary.value_kind == "score"
    assert (
        read_question("Rank stations by betweenness", transport_schema).primary.intent == "brokers"
    )


def test_route_ends_skip_titles_and_read_a_bare_a_to_b():
    index = build_name_index(
        {"clinicians": [{"_key": "1", "name": "Ana Wagner"}, {"_key": "2", "name": "Uma Sato"}]}
    )
    reading = read_question(
        "Shortest referral chain from Dr. Ana Wagner to Dr. Uma Sato?", lookup=index
    ).primary
    assert reading.intent == "paths"
    assert [(e.vertex_id, e.role) for e in reading.entities] == [
        ("clinicians/1", "source"),
        ("clinicians/2", "target"),
    ]
    bare = read_question("Ana Wagner to Uma Sato, fastest", lookup=index).primary
    assert bare.intent == "paths"
    assert [e.role for e in bare.entities] == ["source", "target"]


@pytest.mark.parametrize(
    ("question", "first_method"),
    [
        ("Which accounts receive from many accounts?", "in_degree"),
        ("Which accounts receive the largest amounts from many accounts?", "strength"),
        ("Which accounts send to many accounts?", "out_degree"),
        ("Who are the key players?", "pagerank"),
        ("Which stations are most alike?", "jaccard"),
        ("Is the network connected?", "is_connected"),
        ("Are there isolated stations?", "wcc"),
        ("Which groups belong together?", "leiden"),
        ("Do the communities follow the club?", "attribute_partition"),
        ("Who are the go-betweens?", "betweenness"),
        ("Is there a tightly knit core?", "kcore"),
        ("What is the route from A to B?", "shortest_path"),
        ("The cheapest route from A to B, and the next best alternatives", "k_shortest_paths"),
        ("Tell me about this graph", "pagerank"),
    ],
)
def test_a_reading_always_names_methods_that_answer_it(
    payments_schema, social_schema, question, first_method
):
    schema = payments_schema if "account" in question else social_schema
    assert read_question(question, schema).primary.method_hints[0] == first_method


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How far is the furthest station from Bank?", "score"),
        ("Which way should I go from Bank to Angel to cover the fewest miles?", "route"),
        ("How many miles separate Bank and Angel?", "score"),
        ("What's the walking distance from Bank to Angel?", "score"),
        ("How many stops from Bank to Angel?", "route"),
        ("Route from Bank to Angel please", "route"),
        ("Which five stations are nearest to Bank?", "nearest"),
    ],
)
def test_value_kind_of_route_questions_between_named_stations(transport_schema, question, kind):
    index = build_name_index(
        {"stations": [{"_key": "a", "name": "Bank"}, {"_key": "b", "name": "Angel"}]}
    )
    reading = read_question(question, transport_schema, lookup=index).primary
    assert reading.intent == "paths"
    assert reading.value_kind == kind


def test_importance_around_a_named_entity_is_personalised():
    index = build_name_index({"people": [{"_key": "a", "name": "Ada Byron"}]})
    around = read_question("Who matters most to Ada Byron?", lookup=index).primary
    assert around.method_hints[0] == "personalized_pagerank"
    score = read_question("How central is Ada Byron?", lookup=index).primary
    assert (score.value_kind, score.method_hints[0]) == ("score", "pagerank")
