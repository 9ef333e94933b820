"""Use-case generation by rules: intents, unanswered requests, focus, merging."""

from __future__ import annotations

import pytest

from gaai_graph.models import (
    CollectionProfile,
    EdgeDefinition,
    GraphSchema,
    Requirement,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.use_cases import (
    find_mentions,
    generate_use_cases,
    generate_use_cases_by_rules,
)
from gaai_graph.questions import build_name_index
from gaai_graph.state import WorkflowState


def _schema(
    vertices: dict[str, int],
    edges: dict[str, tuple[str, str, int]],
    satellites: tuple[str, ...] = (),
) -> GraphSchema:
    collections = [
        CollectionProfile(
            name=n, kind="document", count=c, role="satellite" if n in satellites else "core"
        )
        for n, c in vertices.items()
    ]
    collections += [
        CollectionProfile(name=n, kind="edge", count=c, role="edge")
        for n, (_, _, c) in edges.items()
    ]
    return GraphSchema(
        source="memory",
        collections=collections,
        edge_definitions=[
            EdgeDefinition(
                edge_collection=n, from_vertex_collections=[a], to_vertex_collections=[b]
            )
            for n, (a, b, _) in edges.items()
        ],
        fingerprint="f",
    )


SHOP = _schema(
    {
        "customers": 500,
        "orders": 1500,
        "products": 200,
        "sellers": 20,
        "reviews": 400,
        "devices": 520,
        "payment_methods": 530,
        "categories": 12,
    },
    {
        "placed": ("customers", "orders", 1500),
        "contains": ("orders", "products", 4000),
        "sold_by": ("products", "sellers", 200),
        "wrote": ("customers", "reviews", 400),
        "about": ("reviews", "products", 400),
        "uses_device": ("customers", "devices", 560),
        "pays_with": ("customers", "payment_methods", 560),
        "in_category": ("products", "categories", 200),
        "referred": ("customers", "customers", 300),
    },
    satellites=("categories",),
)

BANK = _schema(
    {"accounts": 300, "phones": 290, "addresses": 280, "branches": 4},
    {
        "transfers": ("accounts", "accounts", 2000),
        "has_phone": ("accounts", "phones", 300),
        "lives_at": ("accounts", "addresses", 300),
        "held_at": ("accounts", "branches", 300),
    },
    satellites=("branches",),
)

ECOMMERCE = Vertical(
    name="ecommerce",
    title="E-commerce",
    entity_terms={"customer": "patron", "product": "article"},
    typical_questions=[
        "Who are our most influential customers?",
        "Which products are the hubs of the catalogue?",
    ],
)
GENERIC = Vertical(name="generic", title="Generic")


def _req(
    text: str, rid: str = "REQ-001", priority: str = "medium", kind: str = "requirement"
) -> Requirement:
    return Requirement(id=rid, kind=kind, text=text, source="doc.md", line=1, priority=priority)


def _one(text: str, schema: GraphSchema = SHOP, vertical: Vertical = ECOMMERCE) -> UseCase:
    use_cases, unanswered = generate_use_cases_by_rules([_req(text)], schema, vertical)
    assert len(use_cases) == 1, (use_cases, unanswered)
    assert unanswered == []
    return use_cases[0]


def test_sample_requirements_map_to_the_intended_analyses() -> None:
    cases = {
        "Identify our most influential customers so marketing can reward them.": (
            "influence",
            ["customers"],
        ),
        "Segment customers into communities of similar purchasing behaviour.": (
            "communities",
            ["customers"],
        ),
        "Find customers who bridge otherwise separate customer segments.": (
            "brokers",
            ["customers"],
        ),
        "Uncover circular referral chains abusing the referral bonus.": ("cycles", ["customers"]),
        "Which products are the hubs our catalogue depends on?": ("hubs", ["products"]),
        "Find tightly-knit groups of customers.": ("cohesion", ["customers"]),
    }
    for text, (intent, focus) in cases.items():
        use_case = _one(text)
        assert (use_case.intent, use_case.focus_collections) == (intent, focus), text


def test_fraud_rings_name_the_shared_identifiers_as_linked_collections() -> None:
    use_case = _one("Detect fraud rings: groups of customers sharing devices or payment cards.")
    assert use_case.intent == "rings"
    assert use_case.focus_collections == ["customers"]
    assert use_case.linked_collections == ["devices", "payment_methods"]
    assert "devices" in use_case.title and "payment methods" in use_case.title


def test_a_change_question_without_an_earlier_run_runs_the_profile_and_says_so() -> None:
    use_cases, unanswered = generate_use_cases_by_rules(
        [_req("What changed in the network since the last run?")], SHOP, ECOMMERCE
    )
    assert unanswered == []
    assert {u.method for u in use_cases} == {"pagerank", "leiden", "wcc"}
    assert all(u.intents == ["change"] for u in use_cases)
    for use_case in use_cases:
        [note] = use_case.notes
        assert note.startswith("REQ-001: ") and "no earlier run" in note


def test_one_requirement_can_carry_several_intents() -> None:
    use_cases, unanswered = generate_use_cases_by_rules(
        [
            _req(
                "Who are the most influential customers, and which tightly-knit groups do "
                "they belong to?"
            )
        ],
        SHOP,
        ECOMMERCE,
    )
    assert unanswered == []
    assert [(u.intent, u.intents) for u in use_cases] == [
        ("influence", ["importance"]),
        ("cohesion", ["cohesion"]),
    ]
    assert "'influential'" in use_cases[0].rationale


def test_a_route_between_names_the_graph_lacks_runs_the_closest_analysis_and_says_so() -> None:
    # Without the graph's names nothing resolves: a route question still runs something, the
    # distances across the graph, never a ranking by PageRank, and says why.
    for text in (
        "What is the shortest path between customer C-17 and seller S-3?",
        "Show how customer Ana is connected to seller Bob.",
        "Find the route from account 42 to account 99.",
    ):
        use_cases, unanswered = generate_use_cases_by_rules([_req(text)], SHOP, ECOMMERCE)
        assert unanswered == [], text
        [use_case] = use_cases
        assert use_case.intents == ["paths"] and use_case.method == "diameter", text
        assert any("A route needs two named places" in note for note in use_case.notes), text


def test_a_route_with_one_name_not_found_says_which() -> None:
    names = build_name_index(
        {
            "customers": [{"_key": "c1", "name": "Ana Lima"}, {"_key": "c2", "name": "Bo Chen"}],
            "sellers": [{"_key": "s1", "name": "Acme Tools"}],
        }
    )
    use_cases, unanswered = generate_use_cases_by_rules(
        [_req("What is the shortest route from Ana Lima to Zyx Quorble?")],
        SHOP,
        ECOMMERCE,
        names,
    )
    assert unanswered == []
    [use_case] = use_cases
    assert use_case.intents == ["paths"]
    # One end is known: the distances from it answer what can be answered.
    assert use_case.method == "single_source_distances"
    assert use_case.parameters["source"] == "customers/c1"
    assert any("Zyx Quorble" in note for note in use_case.notes), use_case.notes


def test_forecasts_recommenders_and_sentiment_are_unanswered_with_reasons() -> None:
    requirements = [
        _req("Forecast next quarter's sales per category.", "R1"),
        _req("Build a recommendation engine for returning shoppers.", "R2"),
        _req("Measure the sentiment of product reviews.", "R3"),
        _req("Improve the checkout experience.", "R4"),
    ]
    use_cases, unanswered = generate_use_cases_by_rules(requirements, SHOP, ECOMMERCE)
    reasons = dict(note.split(": ", 1) for note in unanswered)
    assert "forecast" in reasons["R1"]
    assert "recommender" in reasons["R2"]
    assert "sentiment" in reasons["R3"]
    # A request with no recognised graph question never runs nothing (issue 16): it gets the
    # general profile of the graph, and says so; the unanswerable ones above do not.
    assert "no supported graph analysis" in reasons["R4"]
    assert "general profile" in reasons["R4"]
    assert {u.method for u in use_cases} == {"pagerank", "leiden", "wcc"}
    assert all(u.requirement_ids == ["R4"] for u in use_cases)
    assert all("general profile" in " ".join(u.notes) for u in use_cases)


def test_answerable_part_survives_next_to_an_unanswerable_one() -> None:
    use_cases, unanswered = generate_use_cases_by_rules(
        [_req("Identify influential customers and forecast their spending.")], SHOP, ECOMMERCE
    )
    assert [u.intent for u in use_cases] == ["influence"]
    assert len(unanswered) == 1 and "forecast" in unanswered[0]


def test_constraints_are_not_use_cases() -> None:
    use_cases, unanswered = generate_use_cases_by_rules(
        [
            _req(
                "Results must not expose the most influential customers' emails.", kind="constraint"
            )
        ],
        SHOP,
        ECOMMERCE,
    )
    assert use_cases == [] and unanswered == []


def test_focus_from_singular_plural_and_vertical_synonyms() -> None:
    assert _one("Which product is most connected?").focus_collections == ["products"]
    # 'patrons' and 'articles' name collections only because the vertical says so: without it
    # the schema decides (importance: the customers' own referral relation).
    assert _one("Which patrons are the most connected?").focus_collections == ["customers"]
    assert _one("Find the most connected articles.").focus_collections == ["products"]
    assert _one("Find the most connected articles.", vertical=GENERIC).focus_collections == [
        "customers"
    ]
    # General vocabulary: customer accounts, payment cards.
    assert _one("Find influential accounts.", vertical=GENERIC).focus_collections == ["customers"]
    mentions = find_mentions("linked by the same payment method or e-mail", SHOP, GENERIC)
    assert [m.collection for m in mentions] == ["payment_methods"]


def test_fallback_focus_follows_the_schema_not_names() -> None:
    # No collection named: cycles and influence need a self relation, hubs the densest one.
    assert _one("Detect circular flows.").focus_collections == ["customers"]
    assert _one("Who are the key opinion leaders?").focus_collections == ["customers"]
    assert _one("What are the single points of failure?").focus_collections == ["products"]


def test_lookup_named_in_passing_is_not_the_focus() -> None:
    use_case = _one("Find the most influential customers in each category.")
    assert use_case.focus_collections == ["customers"]


def test_duplicates_merge_keeping_every_requirement_and_highest_priority() -> None:
    use_cases, _ = generate_use_cases_by_rules(
        [
            _req("Identify influential customers.", "REQ-001", "low"),
            _req("Find customer segments.", "REQ-002", "medium"),
            _req("Who are the key influencers among our customers?", "REQ-003", "high"),
        ],
        SHOP,
        ECOMMERCE,
    )
    assert [u.id for u in use_cases] == ["UC-001", "UC-002"]
    influence = use_cases[0]
    assert influence.intent == "influence"
    assert influence.requirement_ids == ["REQ-001", "REQ-003"]
    assert influence.priority == "high"
    assert "REQ-003" in influence.description


def test_typical_questions_stand_in_for_missing_requirements() -> None:
    use_cases, unanswered = generate_use_cases_by_rules([], SHOP, ECOMMERCE)
    assert [(u.intent, u.focus_collections) for u in use_cases] == [
        ("influence", ["customers"]),
        ("hubs", ["products"]),
    ]
    assert use_cases[0].requirement_ids == ["VQ-001"]
    assert unanswered == []


def test_bank_domain_rings_and_cycles() -> None:
    rings = _one("Find accounts linked by the same phone number or address.", BANK, GENERIC)
    assert (rings.intent, rings.focus_collections) == ("rings", ["accounts"])
    assert rings.linked_collections == ["phones", "addresses"]
    cycles = _one("Detect round-trip transfers that return to the originator.", BANK, GENERIC)
    assert (cycles.intent, cycles.focus_collections) == ("cycles", ["accounts"])
    central = _one("Which accounts are the most connected?", BANK, GENERIC)
    assert (central.intents, central.focus_collections) == (["importance"], ["accounts"])
    hubs = _one("Which accounts are the hubs of the transfer network?", BANK, GENERIC)
    assert (hubs.intent, hubs.method) == ("hubs", "degree")


async def test_node_returns_use_cases_and_unanswered_as_errors() -> None:
    state = WorkflowState(
        schema=SHOP,
        vertical=ECOMMERCE,
        requirements=[
            _req("Identify influential customers.", "REQ-001"),
            _req("Forecast next quarter's sales per seller.", "REQ-002"),
        ],
    )
    update = await generate_use_cases(state, None)  # type: ignore[arg-type]
    assert [u.intent for u in update["use_cases"]] == ["influence"]
    [error] = update["errors"]
    assert error.phase == "generate_use_cases" and error.message.startswith("REQ-002")
    assert "forecast" in error.message
    assert update["timings"][0].phase == "generate_use_cases"


def test_subject_is_the_mention_nearest_the_intent_words() -> None:
    hubs = _one(
        "Identify the hub products that the catalogue depends on, meaning the items that appear "
        "in far more orders than anything else, so that stock-outs and supplier risk on them can "
        "be managed."
    )
    # The purpose ("so that ... supplier risk ...") says why, not what to find.
    assert (hubs.intent, hubs.method, hubs.focus_collections) == ("hubs", "degree", ["products"])
    both = _one("Which products and sellers are the most connected?")
    assert both.focus_collections == ["products", "sellers"]
    # What the few products are depended on by (orders) bounds the dependency analysis.
    exposure = _one(
        "Reduce our exposure to a small number of products that a large share of orders depend on."
    )
    assert (exposure.intents, exposure.focus_collections) == (["dependencies"], ["products"])
    assert exposure.linked_collections == ["orders"]


def test_ring_members_are_what_the_shared_identifiers_hang_off() -> None:
    # 'review' in "listed for review" names a collection, but reviews have no devices.
    rings = _one(
        "Find fraud rings: groups of accounts that share the same devices or the same payment "
        "cards. Every account in such a group must be listed for review by the fraud team.",
        vertical=GENERIC,
    )
    assert rings.focus_collections == ["customers"]
    assert rings.linked_collections == ["devices", "payment_methods"]
    # The subject named again after a sharing verb is still the subject, not a shared thing.
    again = _one(
        "Find groups of customer accounts that are linked through shared devices or shared "
        "payment cards. A genuine customer rarely shares either with strangers, so any sizeable "
        "group is a likely fraud ring and every member account should be listed.",
        vertical=GENERIC,
    )
    assert again.focus_collections == ["customers"]
    assert again.linked_collections == ["devices", "payment_methods"]


PEOPLE = _schema({"people": 40}, {"knows": ("people", "people", 120)})


def test_titles_use_the_plural_of_people_and_never_pluralise_twice() -> None:
    generated = Vertical(
        name="generated", title="People", entity_terms={"people": "people"}, source="generated"
    )
    segments = _one("Find communities of people.", PEOPLE, generated)
    assert segments.title == "Segments of people"
    social = Vertical(name="social", title="Social", entity_terms={"person": "person"})
    assert _one("Find communities of people.", PEOPLE, social).title == "Segments of people"
    assert _one("Find influential people.", PEOPLE, GENERIC).title == "Influential people"


def test_a_firm_dependency_reading_of_the_same_words_outweighs_the_lexicon() -> None:
    from pathlib import Path

    from gaai_graph.nodes.schema import profile_schema
    from gaai_graph.sources.snapshot import load_snapshot

    root = Path(__file__).resolve().parents[2]
    data = load_snapshot(root / "eval" / "graphs" / "suppliers")
    schema = profile_schema(data, graph_name=None, core_collections=None)
    use_cases, unanswered = generate_use_cases_by_rules(
        [_req("Which suppliers are single points of failure for us?")], schema, ECOMMERCE
    )
    assert [u.method for u in use_cases] == ["sole_dependency"], unanswered
    assert unanswered == []


def test_a_vague_sentence_beside_specific_questions_is_context_not_a_profile() -> None:
    use_cases, unanswered = generate_use_cases_by_rules(
        [
            _req("Which customers refer the most new customers?", "REQ-001"),
            _req("Possible abuse.", "REQ-002"),
            _req("What changed since the last run?", "REQ-003"),
        ],
        SHOP,
        ECOMMERCE,
    )
    # The specific question runs; the vague sentence and the change question run no profile
    # of their own, and each says so.
    assert [u.requirement_ids for u in use_cases] == [["REQ-001"]]
    notes = dict(note.split(": ", 1) for note in unanswered)
    assert "other requirements answer the document" in notes["REQ-002"]
    assert "no earlier run" in notes["REQ-003"]


def test_loops_are_enumerated_in_a_dense_relation_and_found_whole_in_a_sparse_one() -> None:
    # 2,000 transfers among 300 accounts: loops merge into one giant strongly connected
    # group, so they are enumerated with a bounded length.
    dense = _one("Detect round-trip transfers that return to the originator.", BANK, GENERIC)
    assert dense.method == "short_cycles"
    # 300 referrals among 500 customers: each strongly connected group is a loop, any length.
    sparse = _one("Detect circular referral chains.")
    assert sparse.method == "scc" and sparse.intent == "cycles"
    assert "Loops are found whole" in sparse.notes[0]
    # A hop bound asked for is kept, whatever the density.
    bounded = _one("Find referral loops of up to 4 customers.")
    assert bounded.method == "short_cycles"


LOGINS = _schema(
    {"customers": 400, "devices": 800},
    {"logs_in_from": ("customers", "devices", 1000)},
)
"""A two-mode graph: customers reached only from devices and devices only from customers, so
both sides look like identifiers of the other; the question says which is shared."""


@pytest.mark.parametrize(
    "text",
    [
        "find shared devices that look like fraud rings",
        "Are several unrelated customers logging in from the same device?",
    ],
)
def test_the_side_a_question_calls_shared_is_the_identifier(text: str) -> None:
    rings = _one(text, LOGINS, GENERIC)
    assert rings.method == "shared_identifiers"
    assert (rings.focus_collections, rings.linked_collections) == (["customers"], ["devices"])


CLINIC = _schema({"clinicians": 200}, {"refers": ("clinicians", "clinicians", 800)})


def test_a_purpose_clause_is_read_when_the_rest_asks_nothing() -> None:
    # "so that ..." says why a result is wanted, unless it is the only place the result is
    # stated: here it is a colouring.
    rooms = _one(
        "Assign the clinicians to rooms so that clinicians who refer to each other are never "
        "in the same room.",
        CLINIC,
        GENERIC,
    )
    assert rooms.intents == ["colouring"]
    # Beside an ask, the purpose stays out of the reading.
    reach = _one(
        "Identify the clinicians whose referrals have the greatest reach, so that the programme "
        "never rewards the loudest ones.",
        CLINIC,
        GENERIC,
    )
    assert reach.intents == ["importance"]
