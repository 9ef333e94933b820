"""Path answers state the value asked, in the weight's unit, with the places by name."""

from __future__ import annotations

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.measures import convention_unit, unit_of, unit_word
from gaai_graph.methods.registry import get_method

from ._jobs import run
from .compute._graphs import weighted


def line_graph() -> nx.Graph:
    """A weighted cycle with a spur, edge lengths in `distance_km`, so routes differ by weight."""
    graph = weighted(nx.connected_watts_strogatz_graph(24, 4, 0.3, seed=5), 7)
    for _, _, data in graph.edges(data=True):
        data["distance_km"] = data.pop("weight")
    return graph


NAMES = [f"Station {chr(65 + i)}" for i in range(24)]


@pytest.mark.parametrize(
    ("attribute", "unit"),
    [
        ("distance_km", "km"),
        ("travelMinutes", "minutes"),
        ("time_min", "minutes"),
        ("length_m", "m"),
        ("miles", "miles"),
        ("weight", None),
        (None, None),
    ],
)
def test_the_unit_an_attribute_name_carries(attribute, unit):
    assert unit_of(attribute) == unit


def test_lengths_without_a_unit_are_totals_of_the_attribute_or_hops():
    assert unit_word(None) == "hops"
    assert unit_word("weight") == "total weight"
    assert convention_unit("distance_km") == "km (sum of distance_km)"


def test_a_route_in_km_states_its_length_first_and_names_the_stations():
    graph = line_graph()
    outcome = run(
        get_method("shortest_path"),
        graph,
        labels=NAMES,
        source="v/0",
        target="v/12",
        weight_attribute="distance_km",
    )
    length = nx.dijkstra_path_length(graph, 0, 12, weight="distance_km")
    assert outcome.answer["value"]["length"] == pytest.approx(length)
    assert "km (sum of distance_km)" in outcome.answer["convention"]
    headline = str(outcome.metrics["headline"])
    assert headline.startswith(f"From Station A to Station M: {length:.2f} km")
    assert "v/" not in headline


def test_how_far_the_farthest_place_is_from_a_named_one():
    graph = line_graph()
    hops = run(get_method("single_source_distances"), graph, source="v/3", vertices="v/3")
    assert hops.answer["kind"] == "value"
    assert hops.answer["value"] == nx.eccentricity(graph, 3)
    km = run(
        get_method("single_source_distances"),
        graph,
        source="v/3",
        weight_attribute="distance_km",
    )
    farthest = max(nx.single_source_dijkstra_path_length(graph, 3, weight="distance_km").values())
    assert km.answer["value"] == pytest.approx(farthest)
    assert "largest distance" in km.answer["convention"]


def test_distances_to_named_places_leave_out_the_source():
    graph = line_graph()
    outcome = run(get_method("single_source_distances"), graph, source="v/3", vertices="v/3|v/9")
    assert outcome.answer["value"] == {"v/9": nx.shortest_path_length(graph, 3, 9)}


def test_reach_within_a_distance_matches_dijkstra():
    graph = line_graph()
    outcome = run(
        get_method("reachability"),
        graph,
        labels=NAMES,
        sources="v/0",
        max_distance=6.0,
        weight_attribute="distance_km",
    )
    within = nx.single_source_dijkstra_path_length(graph, 0, cutoff=6.0, weight="distance_km")
    assert outcome.answer["value"] == len(within) - 1
    assert "6 km (sum of distance_km)" in outcome.answer["convention"]
    assert "Station A" in str(outcome.metrics["headline"])


def test_reach_within_a_distance_without_a_weight_is_one_clear_line():
    with pytest.raises(TemplateValidationError, match="needs an edge attribute measuring it"):
        run(get_method("reachability"), line_graph(), sources="v/0", max_distance=6.0)


def test_k_shortest_routes_are_listed_best_first_with_their_lengths():
    graph = line_graph()
    outcome = run(
        get_method("k_shortest_paths"),
        graph,
        labels=NAMES,
        source="v/0",
        target="v/12",
        k=2,
        weight_attribute="distance_km",
    )
    first, second = (route["length"] for route in outcome.answer["value"])
    assert first <= second
    assert f"1. {first:.2f} km: Station A ->" in str(outcome.metrics["headline"])


def test_the_diameter_names_its_ends():
    graph = line_graph()
    outcome = run(get_method("diameter"), graph, labels=NAMES)
    assert outcome.answer["value"] == nx.diameter(graph)
    assert "between Station" in str(outcome.metrics["headline"])


@pytest.mark.parametrize("method", ["pagerank", "degree", "harmonic"])
def test_a_ranking_without_named_vertices_answers_with_its_top_entities(method):
    from .test_answer_methods import interpret

    graph = nx.karate_club_graph()
    writer, execution = interpret(method, graph)
    assert writer.answer is not None and writer.answer["kind"] == "entities"
    assert writer.answer["value"] == [entity.id for entity in execution.top_entities]
    assert writer.answer["value"][0] == execution.top_entities[0].id
    assert writer.answer["method"] == method and "highest" in writer.answer["convention"]


def test_a_ranking_of_named_vertices_keeps_their_scores_as_the_answer():
    from .test_answer_methods import interpret

    writer, _ = interpret("pagerank", nx.karate_club_graph(), vertices="v/0|v/33")
    assert writer.answer["kind"] == "values"
