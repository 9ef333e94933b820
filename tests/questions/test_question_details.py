"""Direction, weight, k, hops, the asked value kind and method hints."""

from __future__ import annotations

import pytest

from gaai_graph.questions import read_question


@pytest.mark.parametrize(
    ("question", "direction"),
    [
        ("Which accounts receive money from many accounts?", "in"),
        ("Which accounts send money to many accounts?", "out"),
        ("Who has the highest in-degree?", "in"),
        ("Who has the highest out-degree?", "out"),
        ("Who is the most followed person?", "in"),
        ("Who are the key players?", "any"),
        ("Which accounts have the most incoming transfers?", "in"),
    ],
)
def test_direction(payments_schema, question, direction):
    assert read_question(question, payments_schema).primary.direction == direction


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("Which accounts receive the largest amounts from many accounts?", "amount"),
        ("Who are the heaviest senders by amount?", "amount"),
        ("Which accounts are the busiest hubs?", "amount"),
        ("Rank accounts by weighted PageRank", "amount"),
        ("Who are the key players?", None),
    ],
)
def test_weight_on_payments(payments_schema, question, attribute):
    assert read_question(question, payments_schema).primary.weight_attribute == attribute


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("What is the shortest route from A to B?", "distance_km"),
        ("What is the quickest route from A to B?", "travel_time"),
        ("Which route from A to B takes the least travel time?", "travel_time"),
        ("Which route from A to B has the fewest stops?", None),
        ("How many hops between A and B?", None),
        ("How far is it from A to B in km?", "distance_km"),
    ],
)
def test_weight_on_routes(transport_schema, question, attribute):
    assert read_question(question, transport_schema).primary.weight_attribute == attribute


def test_weight_is_said_with_the_words_that_asked(payments_schema):
    reading = read_question("Who are the heaviest senders?", payments_schema).primary
    assert (reading.weight_attribute, reading.weight_cue) == ("amount", "heaviest")


def test_no_weight_without_a_numeric_edge_attribute(meetup_schema):
    assert (
        read_question("Who are the heaviest hubs?", meetup_schema).primary.weight_attribute is None
    )


@pytest.mark.parametrize(
    ("question", "k", "hops"),
    [
        ("Which five stations are nearest to the airport?", 5, None),
        ("Show the top 10 people by influence", 10, None),
        ("List the 3 most similar stations", 3, None),
        ("Which stations are reachable within 3 hops?", None, 3),
        ("Which stations can be reached in two stops?", None, 2),
        ("Find cycles of up to 4 accounts", None, 4),
        ("Find loops of length 5", None, 5),
        ("Which stations would cut the network in two?", None, None),
        ("Give me a dozen key players", 12, None),
        ("Can I travel between every pair of stations?", None, None),
        ("Which suppliers are the only one for a part?", None, None),
    ],
)
def test_k_and_hops(transport_schema, question, k, hops):
    reading = read_question(question, transport_schema).primary
    assert (reading.k, reading.hops) == (k, hops)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many weakly connected components are there?", "count"),
        ("What is the number of communities?", "count"),
        ("Is the network connected?", "yes_no"),
        ("Can I travel between every pair of stations?", "yes_no"),
        ("Are there any loops in the transfers?", "yes_no"),
        ("What is the cheapest route from A to B?", "route"),
        ("Which five stations are nearest to X?", "nearest"),
        ("What is the diameter of the network?", "score"),
        ("What is the clustering coefficient of the graph?", "score"),
        ("Who are the key players?", "list"),
        ("Which groups belong together?", "list"),
        ("Which stations would cut the network in two if closed?", "list"),
    ],
)
def test_value_kind(transport_schema, question, kind):
    assert read_question(question, transport_schema).primary.value_kind == kind


@pytest.mark.parametrize(
    ("question", "method"),
    [
        ("Give me the harmonic centrality of every station", "harmonic"),
        ("Rank stations by closeness", "closeness"),
        ("Which station lies on the most shortest routes?", "betweenness"),
        ("How many weakly connected components are there?", "wcc"),
        ("Find the strongly connected components", "scc"),
        ("The cheapest route from A to B, and the next best alternatives", "k_shortest_paths"),
        ("Which stations are reachable within 2 hops?", "reachability"),
        ("Which stations would cut the network in two if closed?", "articulation_points"),
        ("Which five stations are nearest?", "k_nearest"),
        ("What is the minimum spanning tree?", "minimum_spanning_tree"),
        ("Compute Adamic-Adar scores for pairs", "adamic_adar"),
        ("Find a maximal independent set", "maximal_independent_set"),
        ("Which parts are single-sourced?", "sole_dependency"),
        ("Find loops in the transfers", "short_cycles"),
        ("Run Leiden on the graph", "leiden"),
    ],
)
def test_method_hints(transport_schema, question, method):
    assert method in read_question(question, transport_schema).primary.method_hints


def test_collections_and_attributes_named_by_the_question(payments_schema, social_schema):
    reading = read_question("Which accounts send transfers to many accounts?", payments_schema)
    assert reading.primary.focus_collections == ["accounts"]
    assert reading.primary.edge_collections == ["transfers"]
    social = read_question("Do the communities follow the club?", social_schema)
    assert social.primary.intent == "communities"
    assert social.primary.attributes == ["club"]


def test_a_word_that_names_a_collection_is_not_a_cue(meetup_schema, social_schema):
    # "groups" is a collection in the meetup graph: asking which groups are popular is
    # about that collection's vertices, not a request for communities.
    meetup = read_question("Which groups are the most popular?", meetup_schema)
    assert meetup.primary.intent == "importance"
    assert meetup.primary.focus_collections == ["groups"]
    assert read_question("Which groups are there?", social_schema).primary.intent == "communities"


def test_a_number_range_bounds_the_length():
    reading = read_question("Find chains of payments that come back after two to four hops").primary
    assert (reading.intent, reading.k, reading.hops) == ("cycles", None, 4)


def test_no_two_is_a_constraint_not_a_count():
    reading = read_question(
        "Schedule exams so that no two friends sit them at the same time"
    ).primary
    assert reading.intent == "colouring"
    assert reading.k is None


@pytest.fixture
def calls_schema():
    from conftest import attribute, make_schema

    return make_schema(
        {"subscribers": (400, [attribute("name")])},
        {
            "calls": (
                1900,
                [attribute("calls", "number"), attribute("minutes", "number")],
                ["subscribers"],
                ["subscribers"],
            )
        },
    )


def test_a_word_naming_the_edge_collection_is_not_its_same_named_attribute(calls_schema):
    plain = read_question(
        "Who is the most important customer in the network of calls?", calls_schema
    )
    assert plain.primary.weight_attribute is None
    assert plain.primary.attributes == []
    assert plain.primary.edge_collections == ["calls"]
    weighted = read_question("Who is most important by calls?", calls_schema).primary
    assert weighted.weight_attribute == "calls"


def test_shortest_is_a_distance_not_a_duration(calls_schema):
    reading = read_question("What is the shortest calling chain between two people?", calls_schema)
    assert reading.primary.intent == "paths"
    assert reading.primary.weight_attribute is None
    quick = read_question("What is the quickest chain between two people?", calls_schema)
    assert quick.primary.weight_attribute == "minutes"


def test_the_most_talk_time_ranks_by_the_time_attribute(calls_schema):
    from gaai_graph.questions.methods import default_methods

    # "talk time" names no attribute, but a superlative of a kind of weight the graph has
    # (minutes measure time) asks who has the largest total of it.
    reading = read_question("Which subscribers account for the most talk time?", calls_schema)
    assert reading.primary.intent == "importance"
    assert reading.primary.weight_attribute == "minutes"
    assert default_methods(reading.primary)[0] == "strength"
    named = read_question("who are the heaviest users by minutes on the phone", calls_schema)
    assert named.primary.weight_attribute == "minutes"
    assert default_methods(named.primary)[0] == "strength"


def test_carrying_the_most_weight_is_an_idiom_not_an_edge_weight(calls_schema):
    reading = read_question("Which subscribers carry the most weight in the network?", calls_schema)
    assert reading.primary.intent == "importance"
    assert reading.primary.weight_attribute is None
