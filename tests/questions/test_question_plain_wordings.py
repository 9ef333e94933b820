"""Everyday wordings of importance, similarity and link prediction (issue 16, h16-plain).

The wordings are from domains the evaluation corpus does not use (research, sport, staffing,
logistics, crypto), so they test the cue families and the superlative rule, not the corpus.
Each must read exactly one intent: an extra or a missing intent is wrong.
"""

from __future__ import annotations

import pytest

from gaai_graph.questions import read_question
from gaai_graph.questions.ranking import superlative
from gaai_graph.questions.text import tokenize

SUPERLATIVE_RANKINGS = [
    "Who are our best players?",
    "Which researchers have the biggest say-so in the lab?",
    "Which bloggers have the largest readership?",
    "Which wallets appear in the most transactions?",
    "Which authors are the most trusted by their co-authors?",
    "greatest scorers in the league",
]

IMPORTANCE = [
    "Who are the big names in the lab?",
    "Which depots are our flagship sites?",
    "Who is the face of the team?",
    "Which nurses stand out on the ward?",
    "Who do the junior engineers listen to?",
    "Which libraries are the most relied upon?",
    "Which papers draw the most attention from other papers?",
    "Which warehouses are best placed in the network?",
    "Which exchanges have the biggest footprint?",
    "Who are the senior voices among the staff?",
    "key sites of the courier network",
    "Which drugs sell best?",
    "Which traders are the whales of the exchange?",
    "Who are the tastemakers among the readers?",
    "Which coaches set the tone in the league?",
    "Who do the nurses turn to for advice?",
    "Which labs are the ones to watch?",
    "Which roads are the main arteries of the city?",
    "Around whom does the league turn?",
    "Which servers are the big targets here?",
    "Which startups punch above their weight?",
    "Which players get the most minutes with others on the pitch?",
]

SIMILARITY = [
    "Who is like Alice among the researchers?",
    "Which couriers work the same way?",
    "Which players play the same part in the team?",
    "Which libraries are alternatives to one another?",
    "Which airlines are competitors of each other?",
    "Which shops compete for the same customers?",
    "Which wallets are functionally the same?",
    "Which authors are equivalent in whom they cite?",
    "Which team mirrors the champions?",
    "Who is Alice's closest peer in the lab?",
    "Which readers are closest to each other in what they borrow?",
    "Which players could pass for one another?",
    "Which researchers have the most mutual collaborators?",
    "Who could take Alice's place in the lab?",
    "Which readers have tastes like each other?",
    "Which libraries are substitutes?",
    "Which wallets are indistinguishable by their counterparties?",
    # the same action asked twice: who shares the counterparts
    "Who cites the papers Alice cites?",
    "Readers who borrowed this also borrowed what?",
]

LINK_PREDICTION = [
    "Which researchers ought to know each other?",
    "Which players would hit it off?",
    "Which readers will borrow a book for the first time?",
    "What should each reader borrow next?",
    "Which books should we suggest to each reader?",
    "Which authors cite the same papers but have never cited each other?",
    "Which labs should start working together?",
    "Which two labs would make a good match?",
    "Which collaborations are waiting to happen?",
    "Which authors could plausibly have co-written a paper? Which could have met?",
    "Which wallets are on track to start trading with each other?",
    "Which airports lack a direct link?",
    "Which researchers are natural partners they have not met?",
    "Which labs are not linked yet but cite the same papers?",
    "Which authors would benefit from an introduction to each other?",
    "Which players belong together but never cross paths?",
    "Which books might each reader like?",
    "Which shops are likely to take on new suppliers?",
    "Who will email whom in the future?",
    "Which researchers should we put in touch?",
    "Which authors share co-authors but are not acquainted?",
    "Which books would each reader probably want to borrow?",
    "Which researchers haven't been paired yet?",
    "Who would make good new friends for Alice?",
    "Which authors were destined to meet?",
    "Which labs will talk soon?",
    "Which book should each reader be shown next?",
    "Which wallets are likely to open a trading relationship?",
    "Which airports deserve a new direct service?",
]

CASES = (
    [(q, "importance") for q in SUPERLATIVE_RANKINGS + IMPORTANCE]
    + [(q, "similarity") for q in SIMILARITY]
    + [(q, "link_prediction") for q in LINK_PREDICTION]
)


@pytest.mark.parametrize(("question", "intent"), CASES)
def test_reads_everyday_wording_as_one_intent(question, intent):
    reading = read_question(question)
    assert reading.intent_names == [intent], (question, reading.intent_names)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # the superlative belongs to another intent's wording: that intent, not a ranking
        ("What is the shortest route from Oslo to Rome?", "paths"),
        ("Which two researchers are the most similar?", "similarity"),
        ("Which stations are nearest to the airport?", "paths"),
        ("Which accounts are most like each other?", "similarity"),
        # "most like" is a likeness, not "most liked"
        ("Which cities are most like Paris?", "similarity"),
        # nearness in distance stays a distance; only "close in what/who" is a likeness
        ("Which stations are closest to each other?", "paths"),
        # "would like" is a request, not a taste
        ("I would like to see the communities", "communities"),
        # a route through mutual contacts is a route, not a likeness
        ("How can Alice reach Bob through mutual friends?", "paths"),
    ],
)
def test_a_superlative_of_another_intents_word_keeps_that_intent(question, intent):
    assert read_question(question).primary.intent == intent, question


@pytest.mark.parametrize(
    "question",
    [
        "What is the latest snapshot?",  # a time, not a ranking
        "Give me the biggest picture you can",  # no entity asked for
        "What does the network look like?",  # "look like" is no likeness
        "Give me the big picture",  # "big" is no superlative
        "What is the biggest thing I should know about this data?",  # a thing is no entity
        "Which customers are most likely to churn?",  # "most" grades "likely", not customers
        "Who calls whom, and how often do they call?",  # two requests, not one echoed action
    ],
)
def test_no_ranking_without_an_upward_superlative_about_entities(question):
    reading = read_question(question)
    assert reading.fallback, (question, reading.intent_names)


@pytest.mark.parametrize(
    ("word", "ranks"),
    [
        ("biggest", True),
        ("best", True),
        ("heaviest", True),
        ("most", True),
        ("nearest", False),
        ("latest", False),
        ("fewest", False),
        ("interest", False),
        ("forest", False),
    ],
)
def test_superlative_ranks_upwards_only(word, ranks):
    assert superlative(tokenize(word)[0]) is ranks


def test_the_wording_which_and_who_ask_for_entities_others_do_not(social_schema):
    asked = read_question("Which people are the busiest?", social_schema)
    not_asked = read_question("the biggest mess", social_schema)

    assert asked.intent_names == ["importance"]
    assert not_asked.fallback


def test_a_likeness_keeps_only_numeric_attributes(social_schema):
    """'In the club' names the categorical club label: no attribute distance on it."""
    reading = read_question("Who is like Alice in the club?", social_schema)

    assert reading.intent_names == ["similarity"]
    assert reading.primary.attributes == []
    assert "attribute_knn" not in reading.primary.method_hints[:1]


def test_a_likeness_by_a_numeric_attribute_keeps_it():
    from tests.questions.conftest import attribute, make_schema

    schema = make_schema(
        {"players": (50, [attribute("name"), attribute("age", "number")])},
        {"passes": (300, [], ["players"], ["players"])},
    )
    reading = read_question("Which players are similar in age?", schema)

    assert reading.primary.attributes == ["age"]
    assert reading.primary.method_hints[0] == "attribute_knn"


@pytest.mark.parametrize(
    ("question", "echoed"),
    [
        ("Who calls the people Rosa calls?", True),
        ("Customers who bought this also bought what?", True),
        ("Which accounts pay someone who pays them back?", False),  # a return, not a likeness
        ("Alice calls Bob and Bob calls Carol", False),  # no question word
        ("Who calls whom most?", False),  # asked once
        ("Which stations do trains calling at Dunwood also call at?", False),  # a movement
        ("Which stops does it call at before it calls at Leeds?", False),  # a sequence
        ("Which towns do tourists visit after visiting York?", False),  # a sequence
    ],
)
def test_an_action_asked_twice_is_echoed(question, echoed):
    from gaai_graph.questions.echoes import echoed_action

    assert (echoed_action(tokenize(question)) is not None) is echoed


def test_punching_above_ones_weight_names_no_edge_weight(social_schema):
    reading = read_question("Which people punch above their weight?", social_schema)

    assert reading.intent_names == ["importance"]
    assert reading.primary.weight_attribute is None


@pytest.mark.parametrize(
    "question",
    [
        "Propose the smallest network to connect Belton, Glenbury and Redhill.",
        "What new direct lines would connect Belton, Glenbury and Redhill most cheaply?",
    ],
)
def test_joining_three_named_places_is_a_tree_not_a_prediction(transport_schema, question):
    """Link-prediction words ('propose ... to', 'new direct') do not outweigh the named places."""
    from gaai_graph.questions import build_name_index

    names = build_name_index(
        {
            "stations": [
                {"_key": "bt", "name": "Belton"},
                {"_key": "gb", "name": "Glenbury"},
                {"_key": "rh", "name": "Redhill"},
            ]
        }
    )
    reading = read_question(question, transport_schema, lookup=names)

    assert reading.intent_names == ["paths"]
    assert reading.primary.method_hints[0] == "steiner_tree"
