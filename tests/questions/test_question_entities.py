"""Names in questions resolved to vertices: exact, near, ambiguous and unknown."""

from __future__ import annotations

import pytest

from gaai_graph.questions import (
    build_name_index,
    name_index_of,
    read_question,
    resolve_entities,
)
from gaai_graph.questions.entities import NameIndex
from gaai_graph.sources.base import CollectionData, GraphData

STATIONS = [
    {"_key": "kgx", "name": "King's Cross St. Pancras"},
    {"_key": "wm", "name": "Westminster"},
    {"_key": "bank", "name": "Bank"},
    {"_key": "angel", "name": "Angel"},
    {"_key": "lb", "name": "London Bridge"},
    {"_key": "wat", "name": "Waterloo"},
    {"_key": "wbe", "name": "Waterloo East"},
    {"_key": "zur", "name": "Zürich HB"},
]
CUSTOMERS = [
    {"_key": "c000123", "name": "Ann Smith"},
    {"_key": "c000124", "name": "Ann Smith"},
    {"_key": "c000125", "full_name": "Bob Jones"},
]
FAMILIES = [{"_key": "medici", "name": "Medici"}, {"_key": "strozzi", "name": "Strozzi"}]
MEMBERS = [{"_key": str(i), "name": str(i)} for i in range(1, 35)]
NOUNS = {"station": ["stations"], "customer": ["customers"], "member": ["members"]}


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return build_name_index(
        {"stations": STATIONS, "customers": CUSTOMERS, "families": FAMILIES, "members": MEMBERS}
    )


def resolved(text, index):
    return {
        m.text: m.vertex_ids[0]
        for m in resolve_entities(text, index, collection_words=NOUNS)
        if m.resolved
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Route from King's Cross St. Pancras to Westminster", {"stations/kgx", "stations/wm"}),
        ("route from kings cross st pancras to westminster", {"stations/kgx", "stations/wm"}),
        ("ROUTE FROM KING'S CROSS ST PANCRAS TO WESTMINSTER", {"stations/kgx", "stations/wm"}),
        ("Tell me about customer c000123", {"customers/c000123"}),
        ("What about C000125?", {"customers/c000125"}),
        ("How important are the Medici?", {"families/medici"}),
        ("Which five stations are nearest to Bank?", {"stations/bank"}),
        ("How far is London Bridge from Waterloo?", {"stations/lb", "stations/wat"}),
        ("Is member 3 or member 34 more central?", {"members/3", "members/34"}),
        ("Trains to zurich hb", {"stations/zur"}),
        ("Who is Bob Jones?", {"customers/c000125"}),
    ],
)
def test_exact_names_and_keys_resolve_case_and_punctuation_insensitively(index, text, expected):
    assert set(resolved(text, index).values()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Which are the top 3 members?",
        "Which bank accounts are most central?",
        "Who has the most connections to many others?",
        "Rank all members by influence",
    ],
)
def test_ordinary_words_and_counts_are_not_names(index, text):
    assert resolved(text, index) == {}


def test_a_misspelt_name_is_a_reported_near_match(index):
    (match,) = resolve_entities("Which stations are closest to Kings Cros?", index)
    assert match.status == "near"
    assert match.vertex_ids == ["stations/kgx"]
    assert match.candidates[0].label == "King's Cross St. Pancras"


def test_a_near_tie_is_settled_by_the_plain_edit_ratio(index):
    (match,) = resolve_entities("Shortest path from Waterlo please", index)
    assert match.status == "near"
    assert match.vertex_ids == ["stations/wat"]


def test_an_unknown_name_comes_with_its_nearest_candidates(index):
    (match,) = resolve_entities("How do I get to Angle Road?", index)
    assert match.status == "unknown"
    assert not match.resolved
    assert match.candidates
    assert "Angel" in [c.label for c in match.candidates]


def test_a_name_shared_by_two_vertices_is_ambiguous_with_both(index):
    (match,) = resolve_entities("Who is Ann Smith connected to?", index)
    assert match.status == "ambiguous"
    assert {c.vertex_id for c in match.candidates} == {"customers/c000123", "customers/c000124"}


def test_the_collection_noun_in_front_settles_which_vertex(index):
    doubled = build_name_index(
        {
            "stations": [{"_key": "x", "name": "Victoria"}],
            "people": [{"_key": "v", "name": "Victoria"}],
        }
    )
    (match,) = resolve_entities(
        "Trains from station Victoria", doubled, collection_words={"station": ["stations"]}
    )
    assert match.vertex_ids == ["stations/x"]


def test_read_question_puts_route_ends_and_near_matches_in_the_reading(index, transport_schema):
    reading = read_question(
        "What is the cheapest route from Kings Cross St Pancras to Westminster?",
        transport_schema,
        lookup=index,
    )
    paths = reading.primary
    assert paths.intent == "paths"
    assert paths.value_kind == "route"
    roles = {e.vertex_id: e.role for e in paths.entities}
    assert roles == {"stations/kgx": "source", "stations/wm": "target"}
    assert paths.entities[0].label == "King's Cross St. Pancras"


def test_unresolved_names_are_listed_on_the_reading(index, transport_schema):
    reading = read_question(
        "Which stations are nearest to Angle Road?", transport_schema, lookup=index
    )
    assert reading.primary.intent == "paths"
    assert [m.text for m in reading.unresolved_names] == ["Angle Road"]


def test_removed_entity_role(index):
    reading = read_question("What breaks if Bank closes?", lookup=index)
    assert reading.primary.intent == "dependencies"
    assert [(e.vertex_id, e.role) for e in reading.primary.entities] == [
        ("stations/bank", "removed")
    ]


def test_label_attribute_from_the_schema_is_the_display_name(transport_schema):
    data = GraphData(
        source="t",
        collections={
            "stations": CollectionData(
                "stations", "document", [{"_key": "s1", "name": "Bank", "code": "BNK"}]
            ),
            "links": CollectionData("links", "edge", []),
        },
    )
    index = name_index_of(data, transport_schema)
    assert index.exact("bnk") == ("stations/s1",)
    assert index.label("stations/s1") == "Bank"
    assert index.exact("s1") == ("stations/s1",)


def test_a_large_index_searches_near_matches_within_the_initial(monkeypatch):
    monkeypatch.setattr("gaai_graph.questions.entities.FULL_SCAN_LIMIT", 10)
    index = build_name_index({"v": [{"_key": f"k{i}", "name": f"Name{i} Town"} for i in range(50)]})
    candidates = index.nearest("name7 twn", 3)
    assert candidates[0].vertex_id == "v/k7"


def test_a_capitalised_word_starting_a_sentence_is_not_a_name(index):
    matches = resolve_entities(
        "Which hosts scan others? Possible scanning. Specifically, which?", index
    )
    assert matches == []


def test_names_in_other_scripts_are_indexed_and_found():
    index = build_name_index(
        {"stations": [{"_key": "m", "name": "Москва-Сити"}, {"_key": "z", "name": "Zürich HB"}]}
    )
    assert {
        m.vertex_ids[0] for m in resolve_entities("Route from Москва Сити to Zurich HB", index)
    } == {
        "stations/m",
        "stations/z",
    }


def test_the_cached_index_is_built_once_per_load(transport_schema):
    from gaai_graph.questions import cached_name_index

    data = GraphData(
        source="t",
        collections={
            "stations": CollectionData("stations", "document", [{"_key": "s1", "name": "Bank"}])
        },
    )
    first = cached_name_index(data, transport_schema)
    assert cached_name_index(data, transport_schema) is first
    reloaded = GraphData(source="t", collections=data.collections)
    assert cached_name_index(reloaded, transport_schema) is not first


def test_two_named_entities_with_nothing_else_asked_is_a_path(index, transport_schema):
    reading = read_question("Kings Cross St Pancras -> Westminster", transport_schema, lookup=index)

    assert reading.intent_names == ["paths"]
    assert {e.vertex_id for e in reading.primary.entities} == {"stations/kgx", "stations/wm"}


def test_one_named_entity_alone_is_still_a_profile(index, transport_schema):
    reading = read_question("Westminster", transport_schema, lookup=index)

    assert reading.fallback
