"""Route and distance questions: named ends, the weight and its unit, k, budgets, the method."""

from __future__ import annotations

import pytest

from gaai_graph.questions import build_name_index, read_question

STATIONS = [
    {"_key": "mg", "name": "Marshgate"},
    {"_key": "bt", "name": "Belton"},
    {"_key": "gb", "name": "Glenbury"},
    {"_key": "nb", "name": "Norbridge"},
    {"_key": "rh", "name": "Redhill"},
    {"_key": "smc", "name": "St. Mary's Cross"},
]


@pytest.fixture(scope="module")
def names():
    return build_name_index({"stations": STATIONS})


def read(question, schema, names):
    return read_question(question, schema, lookup=names).primary


def ends(reading):
    roles = {e.role: e.vertex_id for e in reading.entities}
    return roles.get("source"), roles.get("target")


@pytest.mark.parametrize(
    "question",
    [
        "How far is Marshgate from Belton?",
        "How far apart are Belton and Marshgate?",
        "What is the distance between Belton and Marshgate in kilometres?",
        "how many km is it from belton to marshgate",
    ],
)
def test_a_distance_between_two_named_places_is_the_routes_length_in_km(
    transport_schema, names, question
):
    reading = read(question, transport_schema, names)
    assert reading.intent == "paths"
    assert set(ends(reading)) == {"stations/mg", "stations/bt"}
    assert reading.method_hints[0] == "shortest_path"
    assert reading.weight_attribute == "distance_km"


def test_how_far_is_a_from_b_starts_at_b(transport_schema, names):
    reading = read("How far is Marshgate from Belton?", transport_schema, names)
    assert ends(reading) == ("stations/bt", "stations/mg")


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("Which way from Belton to Glenbury covers the fewest kilometres?", "distance_km"),
        ("Belton to Glenbury, how many minutes at least?", "travel_time"),
        ("fewest stops from Belton to Glenbury", None),
        ("Route from Belton to Glenbury by distance, fewest stops otherwise", "distance_km"),
    ],
)
def test_a_unit_picks_the_weight_of_its_kind(transport_schema, names, question, attribute):
    assert read(question, transport_schema, names).weight_attribute == attribute


def test_the_nearest_three_stops_is_a_count_of_stations_not_hops(transport_schema, names):
    reading = read("nearest 3 stops to Marshgate by distance", transport_schema, names)
    assert (reading.k, reading.hops, reading.weight_attribute) == (3, None, "distance_km")
    assert reading.method_hints[0] == "k_nearest"


def test_stations_near_a_named_place_ask_for_the_nearest(transport_schema, names):
    reading = read("What stations are near Belton?", transport_schema, names)
    assert reading.intent == "paths"
    assert reading.method_hints[0] == "k_nearest"


@pytest.mark.parametrize(
    ("question", "budget", "attribute"),
    [
        ("How many stations are within 5 km of Glenbury?", 5.0, "distance_km"),
        ("stations reachable in under 10 minutes from Belton", 10.0, "travel_time"),
    ],
)
def test_reach_within_a_distance_or_time(transport_schema, names, question, budget, attribute):
    reading = read(question, transport_schema, names)
    assert (reading.max_distance, reading.weight_attribute) == (budget, attribute)
    assert reading.hops is None and reading.k is None
    assert reading.method_hints[0] == "reachability"


@pytest.mark.parametrize(
    ("question", "method"),
    [
        ("What are the 3 best routes between Norbridge and Glenbury?", "k_shortest_paths"),
        ("every shortest path between Belton and Redhill", "all_shortest_paths"),
        ("How many shortest routes are there from Norbridge to Glenbury?", "all_shortest_paths"),
        ("cheapest way to connect Belton, Glenbury and Redhill", "steiner_tree"),
        ("Which stations lie on the shortest route from Marshgate to Belton?", "shortest_path"),
        ("longest shortest trip in the network, counted in stops", "diameter"),
        ("What's the longest trip anyone could have to make, taking the best route?", "diameter"),
        ("What is the radius of the network?", "eccentricity"),
    ],
)
def test_the_method_the_wording_and_the_named_places_ask_for(
    transport_schema, names, question, method
):
    reading = read(question, transport_schema, names)
    assert reading.intent == "paths"
    assert reading.method_hints[0] == method


def test_the_longest_shortest_trip_in_stops_is_counted_in_hops(transport_schema, names):
    reading = read(
        "longest shortest trip in the network, counted in stops", transport_schema, names
    )
    assert reading.weight_attribute is None
    assert reading.value_kind == "score"


def test_sections_without_an_alternative_route_are_bridges(transport_schema, names):
    reading = read(
        "Which track sections have no alternative route around them?", transport_schema, names
    )
    assert reading.intent == "connectivity"
    assert reading.method_hints[0] == "bridges"


@pytest.mark.parametrize(
    "question",
    ["If Belton closes, which stations are cut off?", "What happens if Norbridge is closed?"],
)
def test_a_named_closure_asks_what_it_cuts_off(transport_schema, names, question):
    reading = read(question, transport_schema, names)
    assert reading.intent == "connectivity"
    assert reading.method_hints[0] == "removal_impact"
    assert [e.role for e in reading.entities] == ["removed"]


def test_between_a_and_b_which_carries_more_stays_a_comparison(transport_schema, names):
    reading = read(
        "Between Belton and Redhill, which carries more through-routes?", transport_schema, names
    )
    assert reading.intent != "paths"


@pytest.mark.parametrize(
    ("question", "k", "hops"),
    [
        ("How many stations are at most 4 stops away from Belton?", None, 4),
        ("the 4 nearest stops to Belton", 4, None),
        ("Which stations can I reach from Norbridge in 2 stops?", None, 2),
        ("How many stations are within 5 km of Glenbury?", None, None),
    ],
)
def test_a_count_of_stops_is_k_after_nearest_and_a_hop_bound_otherwise(
    transport_schema, names, question, k, hops
):
    reading = read(question, transport_schema, names)
    assert (reading.k, reading.hops) == (k, hops)


@pytest.mark.parametrize(
    ("question", "method"),
    [
        ("which 3 stations can be reached quickest from Belton", "k_nearest"),
        ("How far away are the 4 nearest stations to Redhill?", "k_nearest"),
        ("top 5 stations by proximity to Norbridge", "k_nearest"),
        ("List every route of minimum length between Belton and Redhill", "all_shortest_paths"),
        (
            "Are there several equally short routes from Norbridge to Glenbury?",
            "all_shortest_paths",
        ),
        ("all fewest-stop routes from Marshgate to Belton", "all_shortest_paths"),
        (
            "Give the 3 shortest routes from Belton to Redhill by number of stops",
            "k_shortest_paths",
        ),
    ],
)
def test_nearest_k_and_every_shortest_route_wordings(transport_schema, names, question, method):
    reading = read(question, transport_schema, names)
    assert reading.intent == "paths"
    assert reading.method_hints[0] == method


@pytest.mark.parametrize(
    "question",
    [
        "Which links would disconnect the network if they were removed?",
        "which edges, when cut, split the rail network into two",
        "Which track segments are critical, with no detour?",
        "Which connections are the only link between two parts of the network?",
    ],
)
def test_asking_which_edges_cut_the_network_is_bridges(transport_schema, names, question):
    reading = read(question, transport_schema, names)
    assert reading.intent == "connectivity"
    assert reading.method_hints[0] == "bridges"


def test_asking_which_stations_cut_the_network_stays_cut_vertices(transport_schema, names):
    reading = read("Which stations would split the network if removed?", transport_schema, names)
    assert reading.method_hints[0] == "articulation_points"


@pytest.mark.parametrize(
    ("question", "method"),
    [
        ("Which of Belton and Glenbury is more of a through station?", "betweenness"),
        ("Which stations have the most links to other stations?", "degree"),
    ],
)
def test_importance_wordings_name_their_measure(transport_schema, names, question, method):
    reading = read(question, transport_schema, names)
    assert reading.intent == "importance"
    assert reading.method_hints[0] == method


def test_a_misspelt_end_resolves_to_the_clearly_nearest_name_and_says_so(transport_schema):
    index = build_name_index(
        {"stations": [{"_key": "wv", "name": "Wickvale"}, {"_key": "tp", "name": "Thornton Park"}]}
    )
    reading = read_question(
        "shortest route from Wickvail to Thornton Prk", transport_schema, lookup=index
    )
    assert ends(reading.primary) == ("stations/wv", "stations/tp")
    assert {m.text for m in reading.near_matches} == {"Wickvail", "Thornton Prk"}


def test_a_misspelling_close_to_two_names_stays_ambiguous(transport_schema):
    index = build_name_index(
        {"stations": [{"_key": "a", "name": "Wickvale"}, {"_key": "b", "name": "Wickvile"}]}
    )
    reading = read_question("route from Wickvail to Wickvale", transport_schema, lookup=index)
    assert [m.status for m in reading.unresolved_names] == ["ambiguous"]
    assert {c.label for c in reading.unresolved_names[0].candidates} >= {"Wickvale", "Wickvile"}


@pytest.mark.parametrize(
    ("question", "method", "attribute"),
    [
        ("What is the best route from Belton to Redhill?", "shortest_path", "distance_km"),
        ("best alternatives from Belton to Redhill", "k_shortest_paths", "distance_km"),
        ("Which route from Belton to Redhill has the fewest stops?", "shortest_path", None),
    ],
)
def test_the_best_route_is_the_shortest_by_distance(
    transport_schema, names, question, method, attribute
):
    reading = read(question, transport_schema, names)
    assert (reading.method_hints[0], reading.weight_attribute) == (method, attribute)


@pytest.mark.parametrize(
    ("question", "method", "k", "attribute"),
    [
        (
            "The cheapest route from Belton to Redhill and two alternatives",
            "k_shortest_paths",
            3,
            "distance_km",
        ),
        ("top 3 routes from Belton to Redhill", "k_shortest_paths", 3, "distance_km"),
        ("Is there a route from Marshgate to Belton?", "shortest_path", None, "distance_km"),
        ("How many links between Belton and Redhill?", "shortest_path", None, None),
        ("How many links separate Belton and Redhill?", "shortest_path", None, None),
        ("fewest stations to pass through from Belton to Redhill", "shortest_path", None, None),
    ],
)
def test_a_route_without_a_measure_named_is_by_distance_and_counts_are_hops(
    transport_schema, names, question, method, k, attribute
):
    reading = read(question, transport_schema, names)
    assert reading.intent == "paths"
    assert (reading.method_hints[0], reading.k, reading.weight_attribute) == (method, k, attribute)
