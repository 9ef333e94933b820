"""Composite questions, negative cases, the fallback profile and the prompt catalogue."""

from __future__ import annotations

import pytest

from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS, METHOD_NAMES
from gaai_graph.questions import intent_catalogue, intent_catalogue_text, read_question


@pytest.mark.parametrize(
    ("question", "composed", "within"),
    [
        (
            "Which groups are there, and who leads each?",
            ["communities", "importance"],
            "communities",
        ),
        (
            "Which groups belong together and who leads each one?",
            ["communities", "importance"],
            "communities",
        ),
        (
            "Who is the most influential member of each community?",
            ["communities", "importance"],
            "communities",
        ),
        (
            "Find the factions; then the key player in every faction",
            ["communities", "importance"],
            "communities",
        ),
        ("Who are the leaders per cluster?", ["communities", "importance"], "communities"),
        (
            "Which accounts collect from many, and which send to many?",
            ["collectors", "distributors"],
            None,
        ),
        ("What are the camps, and who bridges them?", ["communities", "brokers"], None),
    ],
)
def test_composite_questions_are_read_as_composed(social_schema, question, composed, within):
    reading = read_question(question, social_schema)
    assert reading.composite_of == composed
    assert reading.intent_names == composed
    assert reading.intents[-1].within == within


@pytest.mark.parametrize(
    "question",
    [
        "Who are the key players?",
        "Which accounts receive money and from whom?",
        "What is the shortest route between A and B?",
        "Which groups form, and how do they form?",
    ],
)
def test_simple_questions_are_not_composite(social_schema, question):
    assert read_question(question, social_schema).composite_of == []


@pytest.mark.parametrize(
    ("question", "not_intent", "graph"),
    [
        # a supply chain's "critical part" is a dependency question, not centrality
        ("Which critical parts are at risk?", "importance", "supply"),
        ("Which key components have a single supplier?", "importance", "supply"),
        ("Which vital parts depend on one vendor?", "importance", "supply"),
        # "most connected" is importance, not connectivity
        ("Who is the most connected person?", "connectivity", "social"),
        # people's "circles" are groups, money "going round in circles" is a loop
        ("Does money go round in circles?", "communities", "payments"),
        ("What circles do these people move in?", "cycles", "social"),
        # "split into factions" is communities, "cut the network in two" is connectivity
        ("Which factions does the club split into?", "connectivity", "social"),
        ("Which stations would cut the network in two?", "communities", "transport"),
        # "closest" to a named place is a path question, "closeness centrality" is importance
        ("Rank people by closeness centrality", "paths", "social"),
        ("Which three stations are closest to Bank?", "importance", "transport"),
        # bridges between groups are brokers, bridge links are connectivity
        ("Who bridges the two camps?", "connectivity", "social"),
        ("Which links are bridges?", "brokers", "transport"),
        # money coming in is collectors, money coming back is a loop
        ("Which accounts get money coming back to them?", "collectors", "payments"),
    ],
)
def test_negative_cases(
    supply_schema, social_schema, payments_schema, transport_schema, question, not_intent, graph
):
    schema = {
        "supply": supply_schema,
        "social": social_schema,
        "payments": payments_schema,
        "transport": transport_schema,
    }[graph]
    reading = read_question(question, schema)
    assert not_intent not in reading.intent_names, (question, reading.intent_names)
    assert not reading.fallback


@pytest.mark.parametrize(
    "question",
    [
        "Tell me about this graph",
        "What can you say about the data?",
        "Give me an overview",
        "Summarise it",
        "",
        "???",
        "Analyse the network for me",
    ],
)
def test_unrecognised_questions_get_the_profile_never_nothing(social_schema, question):
    reading = read_question(question, social_schema)
    assert reading.fallback
    assert reading.intent_names == ["profile"]


@pytest.mark.parametrize(
    "question",
    [
        "Forecast next quarter revenue",
        "What is the sentiment of the reviews?",
        "What is the average order value?",
        "How old is the oldest customer?",
        "Will the price of steel go up?",
    ],
)
def test_questions_no_graph_method_answers_fall_back_to_the_profile(question):
    reading = read_question(question)
    assert reading.fallback, (question, reading.intent_names)


def test_recommending_to_someone_is_link_prediction():
    assert read_question("Recommend products to this customer").primary.intent == "link_prediction"


def test_recognised_questions_are_not_a_fallback(social_schema):
    assert not read_question("Who matters most?", social_schema).fallback


def test_reading_is_json_serialisable(social_schema):
    reading = read_question("Which groups are there, and who leads each?", social_schema)
    again = type(reading).model_validate_json(reading.model_dump_json())
    assert again == reading


def test_catalogue_lists_every_intent_with_known_methods():
    entries = intent_catalogue()
    assert [e.intent for e in entries] == list(INTENT_DESCRIPTIONS)
    for entry in entries:
        assert entry.description
        assert set(entry.methods) <= set(METHOD_NAMES)
    covered = {m for e in entries for m in e.methods}
    assert len(covered) >= 35
    text = intent_catalogue_text()
    assert all(f"- {intent}:" in text for intent in INTENT_DESCRIPTIONS)


def test_an_intent_asked_twice_is_read_once():
    reading = read_question("Who are the key players? Again: who are the most central people?")
    assert reading.intent_names == ["importance"]
    assert reading.composite_of == []


def test_scoped_importance_is_kept_apart_from_plain_importance():
    reading = read_question("Which people are central, and who leads each group?")
    assert reading.intent_names == ["importance", "communities", "importance"]
    assert [r.within for r in reading.intents] == [None, None, "communities"]


def test_a_long_pasted_text_searches_only_a_few_names_fuzzily():
    from gaai_graph.questions import build_name_index
    from gaai_graph.questions.entities import MAX_FUZZY_NAMES

    index = build_name_index(
        {"s": [{"_key": str(i), "name": f"Station {i} Road"} for i in range(50)]}
    )
    text = " ".join(f"Is Hillside{i} Park central?" for i in range(40))
    reading = read_question(text, lookup=index)
    assert len(reading.unresolved_names) == MAX_FUZZY_NAMES
    assert reading.intent_names == ["importance"]
