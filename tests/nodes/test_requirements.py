"""Tests of requirement document reading and rule-based requirement extraction."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from gaai_graph.context import Context
from gaai_graph.errors import DocumentError
from gaai_graph.models import DocumentText, Requirement
from gaai_graph.nodes import requirements as requirements_module
from gaai_graph.nodes.requirements import (
    classify_kind,
    classify_priority,
    extract_requirements,
    extract_requirements_by_rules,
    read_documents,
    sample_documents,
)
from gaai_graph.state import WorkflowState

BRIEF = """\
# Marketplace analytics brief

**Author:** Jane Doe
Date: 3 March 2025

## Objectives
- Grow repeat purchases among loyal shoppers.
- Reduce churn

## Requirements
1. Identify the most influential customers in the referral programme.
2. Segment customers into communities by what they buy,
   and report the size of each segment.
3. It would be nice to have the customers who bridge segments.

## Constraints
- The analysis must not write to the production database.
- Results are needed within 10 minutes.
"""


def _extract(text: str, name: str = "brief.md") -> list[Requirement]:
    return extract_requirements_by_rules([DocumentText(name=name, text=text)])


def _line_of(text: str, fragment: str) -> int:
    """1-based number of the first line of `text` containing `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _by_start(requirements: list[Requirement], start: str) -> Requirement:
    return next(r for r in requirements if r.text.startswith(start))


# --------------------------------------------------------------------------- reading


def test_reads_paths_dicts_and_inline_text(tmp_path: Path) -> None:
    first = tmp_path / "first.md"
    first.write_text("- Find fraud rings sharing devices.\n", encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text("We need the most influential customers.\n", encoding="utf-8")

    documents = read_documents(
        [
            str(first),
            {"path": second},
            {"content": "- Detect referral loops between accounts."},
            {"content": "- Rank products by the number of orders.", "name": "memo"},
            {"content": "- Group customers into segments."},
            first.with_name("first.md"),
        ]
    )

    names = [document.name for document in documents]
    assert names[:5] == ["first.md", "second.txt", "inline-1", "memo", "inline-2"]
    assert documents[1].text == second.read_text(encoding="utf-8")
    assert documents[3].text.startswith("- Rank products")
    # The same file name twice stays distinguishable.
    assert names[5] != "first.md"
    assert names[5].endswith("first.md")


def test_accepts_a_utf8_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff## Requirements\n- Find the hub products.\n".encode())

    [document] = read_documents([path])

    assert document.text.startswith("## Requirements")
    [requirement] = extract_requirements_by_rules([document])
    assert requirement.line == 2


def test_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.md"
    with pytest.raises(DocumentError, match=r"not found: .*nowhere\.md"):
        read_documents([str(missing)])


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    with pytest.raises(DocumentError, match=r"docs is a directory"):
        read_documents([{"path": str(folder)}])


@pytest.mark.parametrize(
    ("file_name", "data", "expected"),
    [
        ("brief.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("diagram.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        ("blob.bin", b"abc\x00\x01\x02def", "binary"),
        ("latin1.txt", "Exigences: réseau des clients".encode("latin-1"), "not UTF-8"),
    ],
)
def test_binary_or_undecodable_files_are_refused(
    tmp_path: Path, file_name: str, data: bytes, expected: str
) -> None:
    path = tmp_path / file_name
    path.write_bytes(data)

    with pytest.raises(DocumentError) as raised:
        read_documents([path])

    message = str(raised.value)
    assert file_name in message
    assert expected in message
    assert "not supported" in message
    assert "Markdown" in message


@pytest.mark.parametrize("content", ["", "   \n\t\n"])
def test_empty_documents_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "blank.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"blank\.md is empty"):
        read_documents([path])
    with pytest.raises(DocumentError, match=r"memo is empty"):
        read_documents([{"content": content, "name": "memo"}])


def test_dict_without_path_or_content_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"document #2 has neither 'path' nor 'content'"):
        read_documents([{"content": "- Find hub products in the catalogue."}, {"name": "x"}])


def test_non_string_content_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"'notes'.*must be a string.*int"):
        read_documents([{"content": 42, "name": "notes"}])
    with pytest.raises(DocumentError, match=r"'inline-1'.*list"):
        read_documents([{"content": ["- a list item"]}])


def test_unsupported_item_type_is_refused() -> None:
    with pytest.raises(DocumentError, match=r"document #1 is a int"):
        read_documents([7])


def test_sample_documents_are_bundled_markdown() -> None:
    documents = sample_documents()

    assert documents == sorted(documents, key=lambda d: d.name)
    assert all(d.name.endswith(".md") and d.text.strip() for d in documents)
    on_disk = sorted(p.name for p in requirements_module.DOCUMENTS_DIR.glob("*.md"))
    assert [d.name for d in documents] == on_disk


# --------------------------------------------------------------------------- extraction


def test_headings_decide_kinds_and_lines_are_cited() -> None:
    requirements = _extract(BRIEF)

    kinds = {r.text: r.kind for r in requirements}
    assert kinds["Grow repeat purchases among loyal shoppers."] == "objective"
    assert kinds["Reduce churn"] == "objective"
    assert _by_start(requirements, "Identify the most").kind == "requirement"
    assert _by_start(requirements, "The analysis must not").kind == "constraint"
    assert _by_start(requirements, "Results are needed").kind == "constraint"
    for requirement in requirements:
        first_words = requirement.text.split(",")[0][:25]
        assert requirement.line == _line_of(BRIEF, first_words)
        assert requirement.source == "brief.md"
    # Metadata, the title and headings never become requirements.
    assert not any("Jane" in r.text or "Marketplace" in r.text for r in requirements)
    assert not any(r.text in ("Objectives", "Requirements", "Constraints") for r in requirements)


def test_continuation_lines_join_the_bullet_and_keep_its_first_line() -> None:
    requirements = _extract(BRIEF)

    segment = _by_start(requirements, "Segment customers")
    assert segment.text == (
        "Segment customers into communities by what they buy, and report the size of each segment."
    )
    assert segment.line == _line_of(BRIEF, "2. Segment")
    # The continuation is not a requirement of its own.
    assert not any(r.text.startswith("and report") for r in requirements)


def test_lazy_and_indented_continuations() -> None:
    text = (
        "## Requirements\n"
        "- Find groups of accounts that share\n"
        "devices or payment cards.\n"
        "\n"
        "  Every account in such a group must be listed.\n"
        "- Detect circular referral chains.\n"
    )

    first, second = _extract(text)

    assert first.text == (
        "Find groups of accounts that share devices or payment cards. Every account in such a "
        "group must be listed."
    )
    assert (first.line, second.line) == (2, 6)


def test_ids_are_sequential_in_document_order() -> None:
    other = "## Requirements\n- Find the hub products of the catalogue.\n"
    requirements = extract_requirements_by_rules(
        [DocumentText(name="a.md", text=BRIEF), DocumentText(name="b.md", text=other)]
    )

    assert [r.id for r in requirements] == [f"REQ-{n:03d}" for n in range(1, len(requirements) + 1)]
    assert [r.source for r in requirements] == sorted(r.source for r in requirements)
    assert requirements[-1].source == "b.md"
    lines_in_a = [r.line for r in requirements if r.source == "a.md"]
    assert lines_in_a == sorted(lines_in_a)


def test_duplicates_across_documents_keep_the_first() -> None:
    first = "## Requirements\n- Detect fraud rings sharing devices.\n- Rank influential shoppers.\n"
    second = "Intro line.\n\n## Needs\n- detect fraud rings   sharing devices\n- Map the hubs.\n"

    requirements = extract_requirements_by_rules(
        [DocumentText(name="one.md", text=first), DocumentText(name="two.md", text=second)]
    )

    rings = [r for r in requirements if "fraud rings" in r.text.lower()]
    assert len(rings) == 1
    assert (rings[0].source, rings[0].line) == ("one.md", 2)
    assert [r.id for r in requirements] == ["REQ-001", "REQ-002", "REQ-003"]
    assert requirements[-1].text == "Map the hubs."


def test_code_fences_tables_and_rules_are_skipped() -> None:
    text = (
        "## Requirements\n"
        "```python\n"
        "- Find fraud rings in this fenced code block\n"
        "```\n"
        "~~~\n"
        "1. Rank customers inside a tilde fence\n"
        "~~~\n"
        "\n"
        "| ID | Requirement | Priority |\n"
        "|----|:------------|---------:|\n"
        "| R1 | Identify the hub products of the catalogue | Must |\n"
        "\n"
        "---\n"
        "- Detect referral loops between accounts.\n"
    )

    requirements = _extract(text)

    assert [r.text for r in requirements] == [
        "Identify the hub products of the catalogue",
        "Detect referral loops between accounts.",
    ]
    assert requirements[0].line == 11
    assert requirements[0].priority == "high"  # from the table's priority column
    assert not any("fence" in r.text for r in requirements)


def test_wording_decides_kinds_without_headings() -> None:
    text = (
        "Our goal is to double the reach of the ambassador programme.\n"
        "We need to identify the customers who bridge separate segments.\n"
        "The analysis must not export personal data.\n"
        "Reports must be produced within 5 minutes.\n"
        "Use only the read-only replica.\n"
        "The shop opened in 2019 and sells garden furniture.\n"
    )

    requirements = _extract(text)

    kinds = {r.text.split()[0] + " " + r.text.split()[1]: r.kind for r in requirements}
    assert kinds == {
        "Our goal": "objective",
        "We need": "requirement",
        "The analysis": "constraint",
        "Reports must": "constraint",
        "Use only": "constraint",
    }
    # The descriptive sentence states nothing wanted.
    assert not any("garden" in r.text for r in requirements)
    assert [r.line for r in requirements] == [1, 2, 3, 4, 5]


def test_paragraph_sentences_carry_their_own_lines() -> None:
    text = (
        "Background of the brief. Sales have\n"
        "grown. We would like to find the most\n"
        "connected products. Customers must not be contacted.\n"
    )

    requirements = _extract(text)

    assert [(r.text, r.line, r.kind) for r in requirements] == [
        ("We would like to find the most connected products.", 2, "requirement"),
        ("Customers must not be contacted.", 3, "constraint"),
    ]


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("The team must see every ring member.", "high"),
        ("Flagging suspicious accounts is critical.", "high"),
        ("This is urgent: rank the sellers.", "high"),
        ("Reports should show the top ten products.", "medium"),
        ("Rank products by orders.", "medium"),
        ("We could also list the brokers.", "low"),
        ("A chart of segments would be nice to have.", "low"),
        ("Optional: compare segments over time.", "low"),
        ("Find customers who could be part of a ring.", "medium"),
    ],
)
def test_priority_from_wording(text: str, priority: str) -> None:
    assert classify_priority(text) == priority


def test_priorities_flow_into_requirements() -> None:
    requirements = _extract(BRIEF)

    assert _by_start(requirements, "It would be nice").priority == "low"
    assert _by_start(requirements, "The analysis must not").priority == "high"
    assert _by_start(requirements, "Identify the most").priority == "medium"


def test_heading_kind_wins_over_wording() -> None:
    assert classify_kind("Results only within 5 minutes", "requirement") == "requirement"
    assert classify_kind("Results only within 5 minutes") == "constraint"
    assert classify_kind("We aim to grow revenue.") == "objective"
    assert classify_kind("Find the hubs.", "objective") == "objective"


def test_non_functional_and_assumption_headings_are_constraints() -> None:
    text = (
        "# Non-functional requirements\n"
        "- Every figure comes from the complete data set.\n"
        "## Assumptions\n"
        "- The graph fits in memory on one machine.\n"
        "## Goals\n"
        "- Understand how the customer base divides.\n"
    )

    kinds = [r.kind for r in _extract(text)]

    assert kinds == ["constraint", "constraint", "objective"]


def test_boilerplate_short_lines_and_skipped_sections() -> None:
    text = (
        "---\n"
        "title: Brief\n"
        "---\n"
        "Author: Sam\n"
        "Version: 1.2\n"
        "## Requirements\n"
        "- Hubs\n"
        "- Status: approved by the board\n"
        "- Find the sellers that most orders depend on.\n"
        "<!-- - Find hidden requirement in a comment -->\n"
        "## Glossary\n"
        "- Ring: customers who must share a device.\n"
    )

    requirements = _extract(text)

    assert [(r.text, r.line) for r in requirements] == [
        ("Find the sellers that most orders depend on.", 9)
    ]


def test_setext_headings_and_label_headings() -> None:
    text = (
        "Constraints\n"
        "===========\n"
        "- Nothing may be written back to the database.\n"
        "\n"
        "Objectives:\n"
        "- Grow the ambassador programme.\n"
    )

    requirements = _extract(text)

    assert [(r.kind, r.line) for r in requirements] == [("constraint", 3), ("objective", 6)]


def test_background_prose_is_context_not_requirements() -> None:
    text = (
        "## Background\n"
        "Chargebacks rose last quarter, and we would like the team to look into it.\n"
        "- We need every ring member listed.\n"
        "- The shop has three warehouses.\n"
        "\n"
        "We would like the hub sellers ranked.\n"
    )

    requirements = _extract(text)

    assert [(r.text, r.line) for r in requirements] == [("We need every ring member listed.", 3)]


def test_a_list_introduction_does_not_end_the_section() -> None:
    text = (
        "## Constraints\n"
        "Key points:\n"
        "- Reports go to the fraud team first.\n"
        "Objectives:\n"
        "- Grow the ambassador programme.\n"
    )

    requirements = _extract(text)

    assert [(r.kind, r.line) for r in requirements] == [("constraint", 3), ("objective", 5)]


def test_extraction_is_deterministic() -> None:
    documents = [DocumentText(name="a.md", text=BRIEF), DocumentText(name="b.md", text=BRIEF)]

    assert extract_requirements_by_rules(documents) == extract_requirements_by_rules(documents)


# --------------------------------------------------------------------------- node


async def test_node_reads_state_documents(tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    state = WorkflowState(documents=[str(path), {"content": "- Map the hub sellers."}])
    runtime: Any = SimpleNamespace(context=Context(source=str(tmp_path)))

    update = await extract_requirements(state, runtime)

    assert {r.source for r in update["requirements"]} == {"brief.md", "inline-1"}
    assert update["errors"] == []
    [timing] = update["timings"]
    assert timing.phase == "extract_requirements"
    assert timing.seconds >= 0


async def test_node_uses_sample_documents_on_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = [DocumentText(name="sample.md", text="## Requirements\n- Rank sellers by orders.\n")]
    monkeypatch.setattr(requirements_module, "sample_documents", lambda: samples)

    for runtime in (None, SimpleNamespace(context=Context(source="demo:small"))):
        update = await extract_requirements(WorkflowState(), runtime)  # type: ignore[arg-type]
        assert [r.source for r in update["requirements"]] == ["sample.md"]
        assert update["errors"] == []


async def test_node_without_documents_off_the_demo_records_a_fallback(tmp_path: Path) -> None:
    runtime: Any = SimpleNamespace(context=Context(source=str(tmp_path)))

    update = await extract_requirements(WorkflowState(), runtime)

    assert update["requirements"] == []
    [error] = update["errors"]
    assert error.phase == "extract_requirements"
    assert error.message == (
        "no requirement documents given; used the vertical's standard questions"
    )


async def test_node_notes_documents_without_requirements(tmp_path: Path) -> None:
    # A file (not inline text, where every sentence is a request) holding only a title.
    document = tmp_path / "title-only.md"
    document.write_text("Just a title\n")
    state = WorkflowState(documents=[str(document)])
    runtime: Any = SimpleNamespace(context=None)

    update = await extract_requirements(state, runtime)

    assert update["requirements"] == []
    [error] = update["errors"]
    assert error.message == (
        "no requirements found in the documents; used the vertical's standard questions "
        "(documents read: title-only.md)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Run label propagation on customers.",
        "customers who share devices",
        "hello there",
        "pagerank",
        "Calculate the clustering coefficient of customers.",
    ],
)
def test_inline_text_is_always_a_request(text: str) -> None:
    [requirement] = extract_requirements_by_rules(read_documents([{"content": text}]))
    assert requirement.text == text
    assert (requirement.kind, requirement.source, requirement.line) == (
        "requirement",
        "inline-1",
        1,
    )


def test_every_sentence_of_inline_text_counts_but_markup_does_not() -> None:
    text = "# Ask\n\ncustomers who share devices. Run PageRank on referrals.\n\n- top sellers\n"
    requirements = extract_requirements_by_rules(read_documents([{"content": text}]))
    assert [r.text for r in requirements] == [
        "customers who share devices.",
        "Run PageRank on referrals.",
        "top sellers",
    ]


def test_the_same_wording_in_a_file_still_needs_to_state_a_want() -> None:
    documents = [DocumentText(name="notes.md", text="customers who share devices\nhello there\n")]
    assert extract_requirements_by_rules(documents) == []


@pytest.mark.parametrize(
    "text",
    [
        "Run label propagation on customers.",
        "Compute PageRank over customers and referrals.",
        "Calculate betweenness for sellers.",
        "Count triangles among customers.",
        "Which customers bridge the segments",
    ],
)
def test_widened_imperatives_open_requirements_in_files_too(text: str) -> None:
    [requirement] = extract_requirements_by_rules([DocumentText(name="notes.md", text=text)])
    assert requirement.text == text


async def test_node_propagates_document_errors(tmp_path: Path) -> None:
    state = WorkflowState(documents=[str(tmp_path / "missing.md")])

    with pytest.raises(DocumentError, match=r"missing\.md"):
        await extract_requirements(state, None)  # type: ignore[arg-type]


def test_a_question_with_only_in_it_is_a_request_not_a_constraint() -> None:
    from gaai_graph.nodes.requirements import classify_kind

    assert classify_kind("Which links are the only connection between two parts?") == "requirement"
    assert classify_kind("where do we depend on only one vendor for a part") == "requirement"
    assert classify_kind("Use only the read-only replica.") == "constraint"
    assert classify_kind("Which hosts matter?", "constraint") == "constraint"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # An analysis verb opens it: "never" and "as few as possible" say what to achieve.
        (
            "Colour the stations so that neighbouring stations never get the same colour, "
            "with as few colours as possible.",
            "requirement",
        ),
        ("Find accounts that never send money back.", "requirement"),
        # A verb that states a limit as often as it asks keeps its constraint wording.
        ("Use only read access to the database.", "constraint"),
        ("The analysis must not take more than an hour.", "constraint"),
    ],
)
def test_an_analysis_verb_makes_a_request_of_a_statement_with_limit_words(
    text: str, kind: str
) -> None:
    assert classify_kind(text) == kind


def test_a_document_of_limits_only_is_a_request() -> None:
    # Nothing is asked but limits: what reads as a limit is the question itself.
    [read] = extract_requirements_by_rules(
        [DocumentText(name="q", text="wich parts depend on only one suplier", inline=True)]
    )
    assert read.kind == "requirement"
    # Beside a request, a limit stays a limit.
    kinds = [
        r.kind
        for r in extract_requirements_by_rules(
            [DocumentText(name="q", text="Find influential customers. Use only read access.")]
        )
    ]
    assert kinds == ["requirement", "constraint"]
