"""Tests of industry vertical loading, detection, generation and resolution."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_args

import pytest
import yaml

from gaai_graph.context import Context
from gaai_graph.errors import VerticalError
from gaai_graph.models import (
    AttributeProfile,
    CollectionProfile,
    GraphSchema,
    Intent,
    Requirement,
    Vertical,
)
from gaai_graph.nodes.vertical import (
    MIN_SCORE,
    VERTICALS_DIR,
    builtin_verticals,
    detect_vertical,
    generate_vertical,
    load_vertical_file,
    resolve_vertical,
    resolve_vertical_by_rules,
)
from gaai_graph.state import WorkflowState

INTENTS = get_args(Intent)
BUILTIN_NAMES = {
    "ecommerce",
    "fraud_aml",
    "social",
    "supply_chain",
    "telecom",
    "cybersecurity",
    "healthcare",
}


def _schema(
    vertices: Sequence[str], edges: Sequence[str] = (), attributes: Sequence[str] = ()
) -> GraphSchema:
    profiles = [
        CollectionProfile(
            name=name,
            kind="document",
            count=10,
            attributes=[AttributeProfile(name=a) for a in attributes],
        )
        for name in vertices
    ]
    profiles += [CollectionProfile(name=name, kind="edge", count=20) for name in edges]
    return GraphSchema(source="test", collections=profiles, fingerprint="f")


def _requirements(*texts: str) -> list[Requirement]:
    return [
        Requirement(id=f"REQ-{n:03d}", kind="requirement", text=text, source="t.md", line=n)
        for n, text in enumerate(texts, start=1)
    ]


ECOMMERCE_SCHEMA = _schema(
    ["customers", "products", "orders", "sellers", "reviews", "categories"],
    ["placed", "contains", "sold_by", "wrote", "in_category"],
    ["name", "price", "rating", "quantity"],
)
ECOMMERCE_TEXT = _requirements(
    "Identify the products in most shopping baskets so merchandising can plan the catalogue.",
    "Segment shoppers by purchase behaviour for campaigns and the loyalty programme.",
)
AML_TEXT = _requirements(
    "Detect money mule accounts that pass wire transfers between otherwise separate groups.",
    "Find circular transactions that indicate money laundering through shell companies.",
    "Flag beneficiaries linked to sanctioned counterparties for the KYC team.",
)
SOCIAL_TEXT = _requirements(
    "Find the influencers whose posts get the most reposts and comments from followers.",
    "Detect bot networks of fake accounts that amplify the same hashtag.",
)
UNRELATED_TEXT = _requirements(
    "Preheat the oven and bake the sourdough loaves until golden.",
    "The kitchen roster lists which baker handles croissants on weekends.",
)


# --------------------------------------------------------------------------- built-ins


def test_every_builtin_validates_and_covers_every_intent() -> None:
    verticals = builtin_verticals()

    assert set(verticals) >= BUILTIN_NAMES
    for name, vertical in verticals.items():
        raw = json.loads((VERTICALS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert Vertical.model_validate(raw).name == name
        assert vertical.source == "builtin"
        assert vertical.title and vertical.description
        assert len(set(vertical.keywords)) >= 20, name
        assert len(vertical.typical_questions) >= 5, name
        assert vertical.entity_terms, name
        assert set(vertical.interpretation) == set(INTENTS), name
        assert set(vertical.recommendations) == set(INTENTS), name
        for intent in INTENTS:
            assert len(vertical.interpretation[intent]) > 60, (name, intent)
            assert 2 <= len(vertical.recommendations[intent]) <= 3, (name, intent)


def test_builtins_are_fresh_copies() -> None:
    first = builtin_verticals()
    first["ecommerce"].keywords.clear()

    assert builtin_verticals()["ecommerce"].keywords


# --------------------------------------------------------------------------- custom files

CUSTOM = {
    "name": "energy",
    "title": "Energy grids",
    "keywords": ["substation", "feeder", "transformer"],
    "entity_terms": {"substation": "substation"},
    "interpretation": {"hubs": "a hub substation feeds many others."},
    "recommendations": {"hubs": ["Add redundancy around hub substations."]},
}


def test_loads_a_custom_json_file(tmp_path: Path) -> None:
    path = tmp_path / "energy.json"
    path.write_text(json.dumps(CUSTOM), encoding="utf-8")

    vertical = load_vertical_file(path)

    assert vertical.source == "custom"
    assert (vertical.name, vertical.title) == ("energy", "Energy grids")
    assert vertical.recommendations["hubs"] == ["Add redundancy around hub substations."]


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_loads_a_custom_yaml_file_named_after_the_file(tmp_path: Path, suffix: str) -> None:
    data = {key: value for key, value in CUSTOM.items() if key != "name"}
    path = tmp_path / f"grid{suffix}"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    vertical = load_vertical_file(path)

    assert vertical.name == "grid"
    assert vertical.keywords == ["substation", "feeder", "transformer"]
    assert vertical.source == "custom"


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        ("broken.json", '{"name": "x", "title": ', r"broken\.json:1: malformed JSON"),
        ("broken.yaml", "name: x\ntitle: [unclosed\n", r"broken\.yaml:\d+: malformed YAML"),
        ("list.json", "[1, 2]", r"list\.json: a vertical must be a mapping"),
        ("notitle.json", '{"name": "x"}', r"notitle\.json: field 'title': Field required"),
        (
            "badkw.json",
            '{"title": "T", "keywords": ["a", {"b": 1}]}',
            r"badkw\.json: field 'keywords\.1'",
        ),
        ("typo.json", '{"title": "T", "keyword": ["a"]}', r"typo\.json: unknown field 'keyword'"),
        (
            "intent.yaml",
            "title: T\ninterpretation:\n  pagerank: high is good\n",
            r"intent\.yaml: field 'interpretation\.pagerank': unknown intent",
        ),
        ("energy.txt", "title: T\n", r"energy\.txt: unsupported vertical file type"),
    ],
)
def test_malformed_custom_files_name_the_file_and_field(
    tmp_path: Path, file_name: str, content: str, expected: str
) -> None:
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(VerticalError, match=expected):
        load_vertical_file(path)


# --------------------------------------------------------------------------- detection


def test_detects_ecommerce_from_schema_and_text() -> None:
    vertical, scores = detect_vertical(ECOMMERCE_TEXT, ECOMMERCE_SCHEMA)

    assert vertical is not None
    assert vertical.name == "ecommerce"
    assert {"product", "seller", "merchandising"} <= set(vertical.matched_terms)
    assert set(scores) == set(builtin_verticals())
    assert next(iter(scores)) == "ecommerce"
    assert scores["ecommerce"] == max(scores.values()) >= MIN_SCORE


def test_detects_ecommerce_from_the_schema_alone() -> None:
    vertical, _ = detect_vertical([], ECOMMERCE_SCHEMA)

    assert vertical is not None and vertical.name == "ecommerce"


def test_detects_fraud_aml_from_an_aml_text() -> None:
    vertical, scores = detect_vertical(AML_TEXT, None)

    assert vertical is not None
    assert vertical.name == "fraud_aml"
    assert {"money mule", "money laundering", "wire transfer"} <= set(vertical.matched_terms)
    assert scores["fraud_aml"] > 2 * scores["ecommerce"]


def test_detects_social_from_a_social_text() -> None:
    vertical, _ = detect_vertical(SOCIAL_TEXT, _schema(["users", "posts"], ["follows"]))

    assert vertical is not None
    assert vertical.name == "social"
    assert "hashtag" in vertical.matched_terms


def test_documents_text_counts_as_evidence() -> None:
    vertical, _ = detect_vertical([], None, documents_text=AML_TEXT[0].text + AML_TEXT[1].text)

    assert vertical is not None and vertical.name == "fraud_aml"


def test_plural_and_case_variants_match() -> None:
    vertical, _ = detect_vertical(_requirements("SUPPLIERS, Warehouses and Shipments"), None)

    assert vertical is not None and vertical.name == "supply_chain"
    assert {"supplier", "warehouse", "shipment"} <= set(vertical.matched_terms)


def test_unrelated_text_detects_nothing() -> None:
    vertical, scores = detect_vertical(UNRELATED_TEXT, _schema(["loaves", "bakers"]))

    assert vertical is None
    assert max(scores.values()) < MIN_SCORE


def test_a_tie_is_broken_by_the_schema() -> None:
    # Text evidence for telecom and social in equal measure; the schema names telecom things.
    text = _requirements("subscriber churn and roaming tariffs; influencer hashtag reposts")
    tied, scores = detect_vertical(text, None)
    assert tied is None
    assert scores["telecom"] == scores["social"]

    vertical, _ = detect_vertical(text, _schema(["handsets"]))
    assert vertical is not None and vertical.name == "telecom"


def test_keywords_shared_by_verticals_decide_nothing_alone() -> None:
    vertical, _ = detect_vertical(_requirements("device card alert payment"), None)

    assert vertical is None


# --------------------------------------------------------------------------- generation


def test_generated_vertical_uses_the_graph_words() -> None:
    schema = _schema(["sensors", "gateways", "sensor_readings"], ["reports_to"])
    requirements = _requirements(
        "Find which sensors relay the most readings to gateways.",
        "Group the sensors by the gateway they report through.",
    )

    vertical = generate_vertical(requirements, schema)

    assert vertical.source == "generated"
    assert vertical.name == "generated"
    assert vertical.title.startswith("Sensors, gateways and readings")
    assert vertical.keywords[:3] == ["sensor", "gateway", "reading"]
    assert "the" not in vertical.keywords and "find" not in vertical.keywords
    assert vertical.entity_terms == {
        "sensor": "sensor",
        "gateway": "gateway",
        "sensor_reading": "sensor reading",
    }
    assert set(vertical.interpretation) == set(INTENTS)
    assert set(vertical.recommendations) == set(INTENTS)
    assert all("sensors" in text for text in vertical.interpretation.values())
    assert len(vertical.typical_questions) >= 5


def test_generated_vertical_without_schema_or_requirements() -> None:
    vertical = generate_vertical([], None)

    assert vertical.title
    assert set(vertical.recommendations) == set(INTENTS)
    assert vertical.entity_terms == {}


# --------------------------------------------------------------------------- resolution


@pytest.mark.parametrize(
    ("choice", "name"),
    [
        ("ecommerce", "ecommerce"),
        ("E-Commerce", "ecommerce"),
        ("retail", "ecommerce"),
        ("FRAUD", "fraud_aml"),
        ("aml", "fraud_aml"),
        ("Healthcare", "healthcare"),
        ("supply-chain", "supply_chain"),
    ],
)
def test_resolves_builtin_names_and_aliases(choice: str, name: str) -> None:
    vertical = resolve_vertical_by_rules(choice, UNRELATED_TEXT, None)

    assert vertical.name == name
    assert vertical.source == "builtin"
    assert vertical.matched_terms == []


def test_auto_detects_or_generates() -> None:
    detected = resolve_vertical_by_rules("auto", AML_TEXT, None)
    generated = resolve_vertical_by_rules("auto", UNRELATED_TEXT, _schema(["loaves", "bakers"]))

    assert detected.name == "fraud_aml" and detected.matched_terms
    assert generated.source == "generated"
    assert "bakers" in generated.title.lower() or "loaves" in generated.title.lower()


def test_generated_can_be_chosen_explicitly() -> None:
    vertical = resolve_vertical_by_rules("Generated", ECOMMERCE_TEXT, ECOMMERCE_SCHEMA)

    assert vertical.source == "generated"
    assert "customer" in vertical.entity_terms


def test_resolves_a_custom_file(tmp_path: Path) -> None:
    path = tmp_path / "energy.yaml"
    path.write_text(yaml.safe_dump(CUSTOM), encoding="utf-8")

    assert resolve_vertical_by_rules(str(path), [], None).title == "Energy grids"


def test_unknown_choice_lists_the_builtins(tmp_path: Path) -> None:
    with pytest.raises(VerticalError) as raised:
        resolve_vertical_by_rules("aerospace", [], None)
    message = str(raised.value)
    assert "aerospace" in message
    assert all(name in message for name in BUILTIN_NAMES)

    with pytest.raises(VerticalError, match=r"vertical file not found: .*absent\.json"):
        resolve_vertical_by_rules(str(tmp_path / "absent.json"), [], None)


# --------------------------------------------------------------------------- node


async def test_node_uses_the_context_choice() -> None:
    runtime: Any = SimpleNamespace(context=Context(vertical="social"))
    state = WorkflowState(requirements=AML_TEXT, schema=ECOMMERCE_SCHEMA)

    update = await resolve_vertical(state, runtime)

    assert update["vertical"].name == "social"
    assert update["timings"][0].phase == "resolve_vertical"
    assert "errors" not in update


async def test_node_defaults_to_auto_without_a_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAAI_VERTICAL", raising=False)
    state = WorkflowState(requirements=ECOMMERCE_TEXT, schema=ECOMMERCE_SCHEMA)

    for runtime in (None, SimpleNamespace(context=None)):
        update = await resolve_vertical(state, runtime)  # type: ignore[arg-type]
        assert update["vertical"].name == "ecommerce"
        assert update["vertical"].matched_terms


async def test_node_notes_a_generated_vertical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAAI_VERTICAL", raising=False)
    state = WorkflowState(requirements=UNRELATED_TEXT, schema=_schema(["loaves", "bakers"]))

    update = await resolve_vertical(state, None)  # type: ignore[arg-type]

    assert update["vertical"].source == "generated"
    [error] = update["errors"]
    assert error.phase == "resolve_vertical"
    assert "generated" in error.message


async def test_node_raises_on_an_unknown_choice() -> None:
    runtime: Any = SimpleNamespace(context=Context(vertical="nonsense"))

    with pytest.raises(VerticalError, match="nonsense"):
        await resolve_vertical(WorkflowState(), runtime)
