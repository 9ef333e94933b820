"""Plain wording is read through word classes, verb frames and the graph's own vocabulary."""

from __future__ import annotations

import pytest
from conftest import attribute, make_schema

from gaai_graph.models import GraphSchema
from gaai_graph.questions import read_question
from gaai_graph.questions.text import lemma_of


@pytest.fixture(scope="module")
def families_schema() -> GraphSchema:
    return make_schema(
        {"families": (15, [attribute("name")])},
        {"marriages": (20, [], ["families"], ["families"])},
    )


@pytest.fixture(scope="module")
def calls_schema() -> GraphSchema:
    return make_schema(
        {"subscribers": (400, [attribute("name")])},
        {"calls": (1900, [attribute("minutes", "number")], ["subscribers"], ["subscribers"])},
    )


def intents(text: str, schema: GraphSchema | None = None) -> list[str]:
    return [reading.intent for reading in read_question(text, schema).intents]


def test_edge_collection_words_count_steps_only_in_their_graph(families_schema, social_schema):
    question = "How many marriages separate the Pazzi from the Strozzi?"
    assert intents(question, families_schema) == ["paths"]
    assert intents(question, social_schema) == ["profile"]


def test_vertex_collection_words_are_partners_only_in_their_graph(families_schema, social_schema):
    question = "Which families married into the same families?"
    assert intents(question, families_schema) == ["similarity"]
    assert intents(question, social_schema) == ["profile"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Which accounts have money coming in from loads of different senders?", "collectors"),
        ("Which accounts get hit by transfers from all over the network?", "collectors"),
        ("Which parts are sourced from many different suppliers?", "collectors"),
        ("Which products are assembled from the largest number of parts?", "collectors"),
        ("Which accounts push money out to lots of recipients?", "distributors"),
        ("Is any account splitting its balance across dozens of other accounts?", "distributors"),
        ("numbers dialling out to hundreds of contacts", "distributors"),
        ("Which suppliers supply the largest number of different parts?", "distributors"),
    ],
)
def test_verb_frames_read_the_direction(payments_schema, question, intent):
    assert intents(question, payments_schema) == [intent]


def test_whose_phone_rings_is_received_and_who_rings_many_is_sent(calls_schema):
    assert intents("Whose phone rings the most, counting distinct callers?", calls_schema) == [
        "collectors"
    ]
    assert intents("Which subscribers ring lots of different people?", calls_schema) == [
        "distributors"
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Who runs the show in this club?",
        "who called the shots",
        "who was the big cheese among the members",
        "Who's the top dog here?",
        "If we could only call 5 people, who should it be?",
        "Which members should we talk to first?",
        "Who are the movers and shakers?",
        "Who is the protagonist, by the numbers?",
        "Who sits at the heart of the network?",
        "Who is in charge here?",
        "Which members are the most critical?",
        "Who has the largest circle of friends?",
        "Who are the go-to people?",
    ],
)
def test_ordinary_ways_of_asking_who_matters(social_schema, question):
    assert intents(question, social_schema) == ["importance"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Which subscribers have the same contacts?", "similarity"),
        ("Which subscribers talk to the same people?", "similarity"),
        ("Which subscribers share calling habits?", "similarity"),
        ("Which subscribers are doppelgangers of each other?", "similarity"),
        ("Which subscribers could stand in for each other?", "similarity"),
        ("Which subscribers don't call each other yet but probably will?", "link_prediction"),
        ("Who is likely to call whom for the first time next month?", "link_prediction"),
        ("Suggest people each subscriber may want to call.", "link_prediction"),
        ("How many calls apart are Sven and Rosa?", "paths"),
        ("Are there call chains that come back to the first caller?", "cycles"),
        ("Are there groups of subscribers that never connect to the rest?", "connectivity"),
    ],
)
def test_similarity_links_paths_and_loops_in_plain_words(calls_schema, question, intent):
    assert intents(question, calls_schema) == [intent]


@pytest.mark.parametrize(
    "question",
    [
        "Find the communities and the lead member in each.",
        "Show me the clusters and their most important member.",
        "Break the club down into factions; who's in charge of each?",
        "Who is the ringleader of each faction?",
    ],
)
def test_per_group_questions_read_importance_within_communities(social_schema, question):
    reading = read_question(question, social_schema)
    assert [(r.intent, r.within) for r in reading.intents] == [
        ("communities", None),
        ("importance", "communities"),
    ]


def test_each_other_is_reciprocal_not_per_group(social_schema):
    reading = read_question("Which groups exist and do they talk to each other?", social_schema)
    assert all(r.within is None for r in reading.intents)


def test_do_is_not_a_negation(transport_schema):
    question = "How well meshed is it? Do neighbouring stations also connect to each other?"
    assert intents(question, transport_schema) == ["cohesion"]


def test_a_word_votes_once_for_an_intent(social_schema):
    assert intents("Which people are connected to the same people?", social_schema) == [
        "similarity"
    ]


def test_a_swapped_pair_of_letters_is_one_typo(supply_schema):
    assert intents("parts with a singel suplier", supply_schema) == ["dependencies"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Which groups of friends exist?", "communities"),
        ("Where is our supply chain most fragile?", "dependencies"),
        ("Which new connections appeared since the last run?", "change"),
        ("Which stations are within 5 km of the depot?", "paths"),
    ],
)
def test_new_rules_do_not_steal_other_intents(supply_schema, question, intent):
    assert intents(question, supply_schema) == [intent]


def test_how_is_each_asks_about_the_groups_themselves(social_schema):
    reading = read_question("What are the communities, and how important is each?", social_schema)
    assert [(r.intent, r.within) for r in reading.intents] == [
        ("communities", None),
        ("importance", None),
    ]


def test_each_of_the_same_intent_is_one_reading(social_schema):
    question = "Split the people into segments, then rank each segment by size."
    assert intents(question, social_schema) == ["communities"]


@pytest.mark.parametrize(
    ("word", "lemma"), [("splitting", "split"), ("spamming", "spam"), ("setting", "set")]
)
def test_doubled_consonant_forms_the_dictionary_misses_are_lemmatised(word, lemma):
    assert lemma_of(word) == lemma


def test_words_with_no_english_stem_stay_as_written():
    assert lemma_of("pendalling") == "pendalling"


def test_an_area_taken_one_by_one_groups_only_when_something_is_asked_of_each(social_schema):
    reading = read_question("Who is the most central person in every department?", social_schema)
    assert [(r.intent, r.within) for r in reading.intents] == [
        ("communities", None),
        ("importance", "communities"),
    ]
    assert intents("Forecast next quarter's revenue for every region.", social_schema) == [
        "profile"
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Which people would the others miss most if they moved away?",
        "Whose departure would hurt us the most?",
        "Which people should we visit before all the others?",
        "Which people do the rest lean on most?",
        "Which person would we need on our side?",
    ],
)
def test_importance_asked_indirectly(social_schema, question):
    assert intents(question, social_schema) == ["importance"]


@pytest.mark.parametrize(
    "question",
    [
        "Which cliques exist? Our chief wants to know.",
        "Which friend circles are there? My boss asked.",
        "Find the cliques, ignoring who leads them.",
    ],
)
def test_a_leader_word_that_asks_nothing_adds_no_importance(social_schema, question):
    assert intents(question, social_schema) == ["communities"]


def test_a_leader_asked_of_each_group_is_still_read(social_schema):
    assert intents("Find the cliques and who leads each one.", social_schema) == [
        "communities",
        "importance",
    ]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Which people run in the same circles?", "similarity"),
        ("Which people are birds of a feather?", "similarity"),
        ("Which people could be replaced without anyone minding?", "similarity"),
        ("Who do the younger members look up to?", "importance"),
        ("Who is at the centre of it all?", "importance"),
        ("Which person should we protect at all costs?", "importance"),
    ],
)
def test_company_kept_and_who_is_looked_up_to(social_schema, question, intent):
    assert intents(question, social_schema) == [intent]


def test_groups_asked_by_the_question_word_come_first(social_schema):
    assert intents("Which circles form among the most popular people?", social_schema) == [
        "communities"
    ]
    assert intents("Who are the most popular people?", social_schema) == ["importance"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Which people are most worth inviting?", "importance"),
        ("Which people could the club least do without?", "importance"),
        ("Which people need the most attention from us?", "importance"),
        ("Who would the others notice was gone?", "importance"),
        ("Which people are counterparts in the network?", "similarity"),
    ],
)
def test_worth_and_absence_read_as_importance(social_schema, question, intent):
    assert intents(question, social_schema) == [intent]
