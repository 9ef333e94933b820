"""Phrase structure of a clause and how it settles which intents a question combines."""

from __future__ import annotations

import pytest

from gaai_graph.questions import read_question
from gaai_graph.questions.phrases import conjunct_of, modifier_span, referent_before
from gaai_graph.questions.text import tokenize


def _words(text: str, positions: set[int]) -> list[str]:
    tokens = tokenize(text)
    return [tokens[p].lower for p in sorted(positions)]


def test_an_and_before_a_determiner_starts_a_new_phrase_but_not_between_nouns():
    text = "Find the segments of doctors and nurses and the machines that tie them together"
    numbers = conjunct_of(tokenize(text), text)
    words = [t.lower for t in tokenize(text)]
    assert numbers[words.index("nurses")] == 0
    assert numbers[words.index("machines")] == 1


def test_with_their_starts_a_new_phrase():
    text = "List the cliques together with their most connected member"
    numbers = conjunct_of(tokenize(text), text)
    assert numbers[-1] == 1 and numbers[1] == 0


@pytest.mark.parametrize(
    ("text", "head", "described"),
    [
        ("Find the tight knit clusters of key accounts", "clusters", "tight knit of key accounts"),
        ("Which key supplier clusters do we have", "clusters", "key supplier"),
        (
            "Are there clusters of accounts that behave alike",
            "clusters",
            "of accounts that behave alike",
        ),
        ("Find the communities formed around the hubs", "communities", "formed around the hubs"),
        ("Show the clusters of top accounts and their sizes", "clusters", "of top accounts"),
        ("Which groups do the key members form", "groups", ""),
    ],
)
def test_modifier_span_covers_what_describes_the_head(text, head, described):
    tokens = tokenize(text)
    position = next(t.index for t in tokens if t.lower == head)
    assert " ".join(_words(text, modifier_span(tokens, position, text))) == described


def test_each_refers_to_the_noun_after_it_or_to_the_first_phrase():
    text = "Find the rings and the ringleader of each"
    tokens = tokenize(text)
    assert tokens[referent_before(tokens, len(tokens) - 1, text)].lower == "rings"
    text = "the ringleader of each ring"
    tokens = tokenize(text)
    assert tokens[referent_before(tokens, 3, text)].lower == "ring"


@pytest.mark.parametrize(
    "question",
    [
        "Which key member clusters are there?",
        "Show me groups of similar members.",
        "Are there clusters of members that behave alike?",
        "Show the clusters of top members and their sizes.",
        "Did the club split into two camps following its leaders?",
        "What natural segments do our most influential members fall into?",
    ],
)
def test_words_describing_the_groups_add_no_intent(social_schema, question):
    assert read_question(question, social_schema).intent_names == ["communities"]


@pytest.mark.parametrize(
    ("question", "intents", "within"),
    [
        ("Find the clusters and the members that connect them.", ["communities", "brokers"], None),
        (
            "Show me the communities and the people who bridge them.",
            ["communities", "brokers"],
            None,
        ),
        (
            "Show the clusters of members and their linchpins.",
            ["communities", "importance"],
            "communities",
        ),
        (
            "Find the rings and the ringleader of each.",
            ["communities", "importance"],
            "communities",
        ),
        (
            "Which factions are there, and who steers each?",
            ["communities", "importance"],
            "communities",
        ),
        (
            "List the cliques together with their most connected member.",
            ["communities", "importance"],
            "communities",
        ),
    ],
)
def test_coordinated_phrases_compose(social_schema, question, intents, within):
    reading = read_question(question, social_schema)
    assert reading.intent_names == intents
    assert reading.intents[-1].within == within


def test_asking_who_is_in_each_group_is_membership_not_a_leader(social_schema):
    reading = read_question("Which factions are there, and who is in each?", social_schema)
    assert reading.intent_names == ["communities"]


def test_the_top_sender_of_each_group_is_ranked_by_out_degree(payments_schema):
    reading = read_question(
        "Split the accounts into clusters and find who sends money to the most accounts in each.",
        payments_schema,
    )
    assert reading.intent_names == ["communities", "importance"]
    inner = reading.intents[-1]
    assert inner.within == "communities"
    assert inner.method_hints[0] == "out_degree"


def test_a_single_group_asked_about_keeps_its_adjective(social_schema):
    assert read_question("Is this a close-knit group?", social_schema).intent_names == ["cohesion"]


def test_groups_and_a_connectivity_question_are_not_composed(supply_schema):
    reading = read_question(
        "Is every supplier linked to our products somehow, or are some completely disconnected?",
        supply_schema,
    )
    assert reading.intent_names == ["connectivity"]


@pytest.mark.parametrize(
    "question",
    [
        "Which camps are there, and who has a foot in both?",
        "Find the factions and anyone who belongs to more than one.",
        "Which cliques are there and which members are in touch with several of them?",
    ],
)
def test_asking_who_spans_several_groups_adds_brokers(social_schema, question):
    reading = read_question(question, social_schema)
    assert reading.intent_names == ["communities", "brokers"]
    assert reading.intents[-1].within is None


def test_both_without_groups_asked_adds_nothing(social_schema):
    assert (
        "brokers"
        not in read_question("Which members know both founders?", social_schema).intent_names
    )


@pytest.mark.parametrize(
    "question",
    [
        "If a supplier that supplies many parts fails, what stops?",
        "Which supplier would take down the most products if it failed?",
    ],
)
def test_fan_out_of_a_failing_supplier_weighs_a_dependency(supply_schema, question):
    assert read_question(question, supply_schema).intent_names == ["dependencies"]


def test_supplying_many_without_a_failure_stays_distribution(supply_schema):
    reading = read_question("Which suppliers supply the most parts?", supply_schema)
    assert reading.intent_names == ["distributors"]


@pytest.mark.parametrize(
    "question",
    [
        "Which devices do many customers have in common?",
        "How many accounts are behind each device?",
    ],
)
def test_identifiers_held_in_common_or_counted_per_identifier(payments_schema, question):
    assert read_question(question, payments_schema).intent_names == ["shared_identifiers"]


@pytest.mark.parametrize(
    "question",
    [
        "Which faction is each of the leaders in?",
        "Which faction does every top member belong to?",
        "Which clinician groups are there? List the key ones.",
        "Which groups of members talk to each other the most?",
        "Find the clusters and their sizes.",
    ],
)
def test_each_over_members_and_ones_for_groups_ask_only_for_groups(social_schema, question):
    assert read_question(question, social_schema).intent_names == ["communities"]


@pytest.mark.parametrize(
    "question",
    [
        "Who is the most influential member of each community?",
        "Which groups are there, and what is each one's most central member?",
        "Which groups are there, and which are the key ones in each?",
    ],
)
def test_each_over_groups_still_scopes(social_schema, question):
    reading = read_question(question, social_schema)
    assert reading.intent_names == ["communities", "importance"]
    assert reading.intents[-1].within == "communities"


@pytest.mark.parametrize(
    "question",
    [
        "Group similar members together.",
        "Segment the members by how similar their friends are.",
        "Put members with similar friends into the same faction.",
        "Cluster the members so that each faction holds similar people.",
    ],
)
def test_likeness_as_the_way_to_group_is_not_a_second_question(social_schema, question):
    assert read_question(question, social_schema).intent_names == ["communities"]


def test_likeness_without_a_grouping_stays_similarity(social_schema):
    assert read_question("Put the similar members on a list.", social_schema).intent_names == [
        "similarity"
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Split the members into factions and pick a representative for each.",
        "For every friendship circle, name the person everyone calls.",
    ],
)
def test_one_person_named_per_group_is_its_leader(social_schema, question):
    reading = read_question(question, social_schema)
    assert reading.intent_names == ["communities", "importance"]
    assert reading.intents[-1].within == "communities"


def test_listing_the_members_of_each_group_is_membership(social_schema):
    question = "Split the members into factions and list the members of each."
    assert read_question(question, social_schema).intent_names == ["communities"]


@pytest.mark.parametrize(
    "question",
    ["Who are the members of each faction?", "Who is in each faction?", "Who belongs to each?"],
)
def test_who_is_in_each_group_asks_for_no_leader(social_schema, question):
    assert "importance" not in read_question(question, social_schema).intent_names


@pytest.mark.parametrize(
    "question",
    [
        "Cluster the members and flag the ones that talk to more than one cluster.",
        "Which factions are there and which members are shared by several?",
    ],
)
def test_members_counted_over_several_groups_are_brokers(social_schema, question):
    assert read_question(question, social_schema).intent_names == ["communities", "brokers"]


def test_two_camps_kept_talking_is_still_brokering(social_schema):
    reading = read_question("Who keeps the two camps talking to each other?", social_schema)
    assert reading.intent_names == ["brokers"]


def test_what_everyone_depends_on_is_a_dependency_on_supply_and_importance_elsewhere(
    supply_schema, social_schema
):
    question = "Which suppliers does everyone depend on?"
    assert read_question(question, supply_schema).intent_names == ["dependencies"]
    people = "Who is the person everyone depends on?"
    assert read_question(people, social_schema).intent_names == ["importance"]


def test_a_weak_word_repeated_after_each_is_still_the_group(payments_schema):
    reading = read_question(
        "Find the rings of accounts and the ringleader of each ring.", payments_schema
    )
    assert reading.intent_names == ["communities", "importance"]
    assert reading.intents[-1].within == "communities"
