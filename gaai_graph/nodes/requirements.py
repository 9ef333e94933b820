"""Requirements extraction: from requirement documents to cited objectives and constraints.

Documents are read by `gaai_graph.nodes.documents`. `extract_requirements_by_rules` is the
rule path: a pure, deterministic function of the document texts, so an LLM path can sit next
to it and both can be compared on the same inputs. `extract_requirements` is the node.

How the rules read a document, line by line:

* Headings set the *section*. Objectives/Goals sections yield objectives,
  Constraints/Limitations/Non-functional/Assumptions sections yield constraints,
  Requirements/Questions/Use-case sections yield requirements. Other headings (a title)
  leave the kind to the wording; the prose of Background/Context sections describes the
  situation and is skipped (their bullets count when worded as wants); sections that never
  hold requirements (Glossary, References, Revision history, ...) are skipped.
* Every bullet or numbered item in a requirement section is a statement; its continuation
  lines join it and it keeps the line of its first line. Outside those sections a bullet or a
  sentence counts only when its wording states something wanted (a modal such as "must",
  an imperative such as "Identify ...", a question, or constraint wording).
* Headings, table separator rows, code fences, HTML comments, front matter, document
  metadata ("Author:", "Date:") and fragments of fewer than three words are skipped.
* Inline text (`{"content": ...}`, `gaai run --text`) is a request by definition: there every
  sentence or item counts, whatever its wording or length ("customers who share devices").
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import DocumentText, Priority, Requirement, RequirementKind, RunError
from gaai_graph.nodes.common import context_of, timed
from gaai_graph.nodes.documents import (
    DOCUMENTS_DIR,
    MAX_DOCUMENT_BYTES,
    MAX_TOTAL_DOCUMENT_BYTES,
    read_documents,
    sample_documents,
)
from gaai_graph.nodes.wording import classify_priority, is_demo_source, word_set, words
from gaai_graph.state import WorkflowState
from gaai_graph.trust import TrustPolicy, check_graph_input, policy_of

__all__ = [
    "DOCUMENTS_DIR",
    "MAX_DOCUMENT_BYTES",
    "MAX_TOTAL_DOCUMENT_BYTES",
    "MIN_WORDS",
    "classify_kind",
    "classify_priority",
    "extract_requirements",
    "extract_requirements_by_rules",
    "is_demo_source",
    "read_documents",
    "sample_documents",
]

MIN_WORDS = 3
"""Statements with fewer words than this are labels or fragments, not requirements."""

# --------------------------------------------------------------------------- classification

SectionKind = Literal["objective", "requirement", "constraint", "neutral", "context", "skip"]


_OBJECTIVE_HEADING = words(
    r"objectives?",
    r"goals?",
    r"aims?",
    r"purpose",
    r"vision",
    r"mission",
    r"outcomes?",
    r"business drivers?",
)
_CONSTRAINT_HEADING = words(
    r"constraints?",
    r"limitations?",
    r"limits",
    r"non[- ]?functional(?: requirements?)?",
    r"nfrs?",
    r"assumptions?",
    r"restrictions?",
    r"out of scope",
    r"compliance",
    r"guardrails?",
    r"(?:ground|business) rules",
)
_REQUIREMENT_HEADING = words(
    r"requirements?",
    r"questions?",
    r"use[- ]cases?",
    r"needs?",
    r"what we (?:want|ask)",
    r"features?",
    r"deliverables?",
    r"asks?",
    r"analys[ie]s",
    r"scope",
    r"user stories",
    r"expectations?",
)
_SKIPPED_HEADING = words(
    r"glossary",
    r"references?",
    r"revision history",
    r"change ?log",
    r"version history",
    r"contacts?",
    r"stakeholders?",
    r"table of contents",
    r"contents",
    r"appendix",
    r"sign[- ]?off",
    r"approvals?",
    r"definitions",
)


_CONTEXT_HEADING = words(
    r"background",
    r"context",
    r"introduction",
    r"overview",
    r"motivation",
    r"problem(?: statement)?",
    r"situation",
    r"why",
    r"history",
    r"current state",
)


def _section_kind(heading: str) -> SectionKind:
    # Order matters: "Non-functional requirements" is a constraint heading, "Out of scope"
    # must not read as "scope".
    if _SKIPPED_HEADING.search(heading):
        return "skip"
    if _CONSTRAINT_HEADING.search(heading):
        return "constraint"
    if _OBJECTIVE_HEADING.search(heading):
        return "objective"
    if _REQUIREMENT_HEADING.search(heading):
        return "requirement"
    if _CONTEXT_HEADING.search(heading):
        return "context"
    return "neutral"


_CONSTRAINT_WORDING = words(
    r"must not",
    r"mustn't",
    r"shall not",
    r"should not",
    r"shouldn't",
    r"may not",
    r"cannot",
    r"can't",
    r"do not",
    r"don't",
    r"never",
    r"not allowed",
    r"not permitted",
    r"no more than",
    r"not more than",
    r"no longer than",
    r"at most",
    r"less than",
    r"fewer than",
    r"maximum",
    r"within (?:the |a |an |one |\d+(?:[.,]\d+)? ?)?(?:budget|limits?|seconds?|minutes?|"
    r"hours?|days?|weeks?|months?|years?|ms|s|min|h|sla)",
    r"(?<!not )only",
    r"read[- ]only",
    r"privacy",
    r"personal data",
    r"pii",
    r"gdpr",
    r"hipaa",
    r"pci(?:[- ]dss)?",
    r"anonymi[sz]ed?",
    r"pseudonymi[sz]ed?",
    r"comply",
    r"compliance",
    r"regulat(?:ion|ory)",
    r"budget",
    r"deadline",
    r"on[- ]prem(?:ise|ises)?",
    r"no (?:network|internet|cloud|external)",
)
_OBJECTIVE_WORDING = words(
    r"(?:our|the|main|primary|key|overall|business|strategic) "
    r"(?:goal|aim|objective|purpose|mission|ambition)s?",
    r"(?:goal|aim|objective|purpose)s? (?:is|are)",
    r"we (?:aim|hope|strive|intend|plan|seek)",
    r"aim(?:s|ing)? to",
    r"in order to grow",
)
# Wording that states something wanted, beyond the constraint and objective wording.
_WANT_WORDING = words(
    r"must",
    r"should",
    r"shall",
    r"need(?:s|ed)?",
    r"require[sd]?",
    r"requirement",
    r"want(?:s|ed)?",
    r"would like",
    r"wish(?:es)?",
    r"expect(?:s|ed)?",
    r"have to",
    r"has to",
    r"ensure",
    r"looking for",
    r"help us",
    r"(?:it is|it's) (?:important|essential|critical|key)",
    r"nice[- ]to[- ]have",
    r"optional(?:ly)?",
    r"could",
    r"priority",
    r"goal",
    r"objective",
)

# Imperatives that open a requirement ("Identify ...", "Run PageRank ..."), and question words
# that open a question written without its question mark ("Which customers bridge segments").
_IMPERATIVES = word_set(
    """
    analyse analyze assess avoid build check cluster compare compute deliver detect determine
    discover enable estimate evaluate explain find flag group highlight identify improve increase
    investigate keep limit list locate maintain map maximise maximize measure minimise minimize
    monitor predict prevent prioritise prioritize produce protect provide quantify rank recommend
    reduce report reveal score segment show spot support surface target trace track uncover
    understand use verify grow lower raise cut retain boost protect safeguard restrict exclude
    include run calculate count execute apply perform partition split divide classify
    categorise categorize characterise characterize profile describe summarise summarize
    visualise visualize chart examine explore inspect review audit study isolate separate
    pinpoint expose catch tell give get look search mine label sort order rate benchmark
    colour color assign schedule allocate connect route
    please who which what how
    """
)
_LIMITING_IMPERATIVES = word_set(
    """
    avoid keep limit maintain minimise minimize prevent protect reduce restrict exclude include
    use ensure safeguard lower cut retain
    """
)
"""Imperatives that as often state a limit ("Use only read access", "Keep runs under a
minute") as ask for an analysis."""


def classify_kind(text: str, section: SectionKind = "neutral") -> RequirementKind:
    """Return the kind of a statement from its section and, failing that, its wording.

    Args:
        text: The statement.
        section: The kind of its enclosing section ("neutral" when the heading says nothing
            about kind, or there is no heading).

    Returns:
        "objective", "constraint" or "requirement".
    """
    if section in ("objective", "requirement", "constraint"):
        return section
    if _is_question(text) or _ASKS_TO_KNOW.search(text) or _asks_for_analysis(text):
        # A question asks for an analysis; its "only" ("the only connection", "only one
        # vendor") describes what to find, not a limit on how. "I would like to know which
        # ..." and "I want to split ..." are questions in statement form.
        return "requirement"
    if _CONSTRAINT_WORDING.search(text):
        return "constraint"
    if _OBJECTIVE_WORDING.search(text):
        return "objective"
    return "requirement"


_ASKS_TO_KNOW = words(
    r"(?:would like|'d like|want|wants|need|needs|wish|like|trying|hope) to "
    r"(?:know|find out|learn|see|understand|find|identify|split|divide|group|rank|map|spot)",
    r"tell me",
    r"show me",
)
"""A request in statement form, made by the one asking ("I would like to know which ...")."""

_QUESTION_WORDS = frozenset(["which", "what", "who", "whom", "whose", "where", "how", "why"])


def _asks_for_analysis(text: str) -> bool:
    """Whether it opens with an analysis verb: its "never" is then a goal, not a limit."""
    first = re.match(r"[A-Za-z'-]+", text.strip())
    verb = first.group(0).lower() if first is not None else ""
    return verb in _IMPERATIVES and verb not in _LIMITING_IMPERATIVES and verb != "please"


def _is_question(text: str) -> bool:
    """Whether a statement is a question: a question mark or a leading question word."""
    first = re.match(r"[A-Za-z'-]+", text.strip())
    return text.rstrip().endswith("?") or (
        first is not None and first.group(0).lower() in _QUESTION_WORDS
    )


def _states_a_want(text: str) -> bool:
    if text.rstrip().endswith("?"):
        return True
    first = re.match(r"[A-Za-z'-]+", text)
    if first is not None and first.group(0).lower() in _IMPERATIVES:
        return True
    return bool(
        _WANT_WORDING.search(text)
        or _CONSTRAINT_WORDING.search(text)
        or _OBJECTIVE_WORDING.search(text)
    )


# --------------------------------------------------------------------------- line parsing

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_BOLD_HEADING = re.compile(r"^\s*(?:\*\*|__)([^*_]{2,60})(?:\*\*|__)\s*:?\s*$")
_LABEL_HEADING = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]{1,40}):\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•▪◦‣]|\d{1,3}[.)]|\(?[a-zA-Z][)]|\(\d{1,3}\))\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_BOILERPLATE = re.compile(
    r"^\s*(?:\*\*|__)?(?:author|authors|date|version|status|owner|owners|prepared by|"
    r"written by|reviewed by|approved by|last (?:updated|modified|revised)|updated|revision|"
    r"document (?:id|number|owner)|doc id|contact|email|phone|audience|distribution|"
    r"classification|confidentiality|copyright|page \d+|created|team|department|project|"
    r"from|to|cc|subject)"
    r"(?:\*\*|__)?\s*:",
    re.IGNORECASE,
)
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:confidential|internal use only|draft|table of contents|toc|"
    r"all rights reserved|©.*|\(c\) .*)\s*\.?$",
    re.IGNORECASE,
)
_ITEM_LABEL = re.compile(
    r"^(?:\[[ xX]\]\s+)?(?:(?:REQ|FR|NFR|R|O|C|OBJ|CON)[-_ ]?\d+(?:[:.)]|\s+[-–—])\s*)?"
)
_INTRO_ENDING = re.compile(r":\s*$")
_META_OPENING = re.compile(
    r"^(?:this (?:document|section|brief|page)|the following|below|see (?:also|the)|note:|"
    r"for example|e\.g\.)",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_PRIORITY_CELLS: dict[str, Priority] = {
    **dict.fromkeys(("must", "must have", "high", "critical", "p0", "p1"), "high"),
    **dict.fromkeys(("should", "should have", "medium", "normal", "p2"), "medium"),
    **dict.fromkeys(("could", "could have", "low", "optional", "nice to have", "p3"), "low"),
}
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|dr|mr|ms|no|fig|cf)\.)$", re.I)


@dataclass
class _Statement:
    """A statement being assembled from one or more lines."""

    line: int
    parts: list[str]
    section: SectionKind
    bullet: bool
    indent: int = 0
    line_starts: list[tuple[int, int]] = field(default_factory=list)
    """For paragraphs: (character offset in the joined text, line number) of each line."""
    priority: Priority | None = None
    """Priority stated outside the text (a table's priority column)."""

    def text(self) -> str:
        return " ".join(part.strip() for part in self.parts if part.strip())


def _clean_inline(text: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their text
    text = re.sub(r"<[^>]{1,80}>", " ", text)  # inline HTML tags
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = text.replace("`", "")
    text = re.sub(r"\s+", " ", text).strip()
    return text


def _heading_of(lines: list[str], index: int) -> str | None:
    """Return the heading text when line `index` is a heading, else None."""
    line = lines[index]
    match = _ATX_HEADING.match(line)
    if match and line.lstrip().startswith("#"):
        return _clean_inline(match.group(1) or "")
    if (
        index + 1 < len(lines)
        and line.strip()
        and not _BULLET.match(line)
        and _SETEXT_UNDERLINE.match(lines[index + 1])
        and not _TABLE_ROW.match(line)
    ):
        return _clean_inline(line)
    match = _BOLD_HEADING.match(line)
    if match and len(match.group(1).split()) <= 5:
        return _clean_inline(match.group(1))
    # "Constraints:" on a line of its own heads a section; "Key points:" only introduces a list.
    match = _LABEL_HEADING.match(line)
    if match and len(match.group(1).split()) <= 5 and _section_kind(match.group(1)) != "neutral":
        return _clean_inline(match.group(1))
    return None


def _table_cells(line: str) -> list[str]:
    return [_clean_inline(cell) for cell in line.strip().strip("|").split("|")]


def _statements(text: str) -> Iterator[_Statement]:
    """Yield the candidate statements of one document, with their sections and lines."""
    lines = text.splitlines()
    section: SectionKind = "neutral"
    current: _Statement | None = None
    in_fence = False
    in_comment = False
    skip_until = -1
    previous_blank = True

    # YAML front matter is metadata, not prose.
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                skip_until = end
                break

    def flush() -> Iterator[_Statement]:
        nonlocal current
        if current is not None:
            yield current
        current = None

    index = 0
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        stripped = raw.strip()
        index += 1
        if number - 1 <= skip_until:
            continue
        if in_comment:
            if "-->" in raw:
                in_comment = False
            continue
        if _FENCE.match(raw):
            yield from flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if stripped.startswith("<!--"):
            yield from flush()
            in_comment = "-->" not in stripped
            continue
        if not stripped:
            previous_blank = True
            if current is not None and not current.bullet:
                yield from flush()
            continue
        was_blank, previous_blank = previous_blank, False

        heading = _heading_of(lines, number - 1)
        if heading is not None:
            yield from flush()
            section = _section_kind(heading)
            if (
                not raw.lstrip().startswith("#")
                and index < len(lines)
                and _SETEXT_UNDERLINE.match(lines[index])
            ):
                index += 1  # the setext underline belongs to the heading
            continue
        if _RULE.match(raw) or _TABLE_SEPARATOR.match(raw):
            yield from flush()
            continue
        if section == "skip":
            continue
        if _BOILERPLATE.match(stripped) or _BOILERPLATE_LINE.match(stripped):
            yield from flush()
            continue
        if _TABLE_ROW.match(raw):
            yield from flush()
            if index < len(lines) and _TABLE_SEPARATOR.match(lines[index]):
                continue  # a header row names columns
            cells = [cell for cell in _table_cells(raw) if cell]
            if cells:
                # The longest cell states the requirement; a short "Must" or "High" cell
                # in the same row carries its priority.
                statement = max(cells, key=len)
                hints = [_PRIORITY_CELLS[c.lower()] for c in cells if c.lower() in _PRIORITY_CELLS]
                yield _Statement(
                    number, [statement], section, bullet=True, priority=hints[0] if hints else None
                )
            continue

        content = stripped[1:].strip() if stripped.startswith(">") else stripped
        bullet = _BULLET.match(content if stripped.startswith(">") else raw)
        indent = len(raw) - len(raw.lstrip())
        if bullet is not None:
            yield from flush()
            current = _Statement(
                number, [bullet.group(2)], section, bullet=True, indent=len(bullet.group(1))
            )
            continue
        if current is not None and current.bullet:
            # Markdown continues a list item with lazy lines right below it, or with lines
            # indented under it after a blank line.
            if not was_blank or indent > current.indent:
                current.parts.append(content)
                continue
            yield from flush()
        if current is None:
            current = _Statement(number, [], section, bullet=False)
        offset = len(current.text()) + (1 if current.parts else 0)
        current.line_starts.append((offset, number))
        current.parts.append(content)
    yield from flush()


def _sentences(statement: _Statement) -> Iterator[tuple[int, str]]:
    """Split a paragraph into sentences, each with the line it starts on."""
    text = statement.text()
    offsets = [offset for offset, _ in statement.line_starts]
    start = 0
    pieces: list[tuple[int, str]] = []
    for match in _SENTENCE_BREAK.finditer(text):
        candidate = text[start : match.start()]
        if _ABBREVIATION.search(candidate):
            continue
        pieces.append((start, candidate))
        start = match.end()
    pieces.append((start, text[start:]))
    for offset, sentence in pieces:
        position = max(bisect.bisect_right(offsets, offset) - 1, 0)
        yield statement.line_starts[position][1], sentence


def _normalise(text: str) -> str:
    return re.sub(r"[\s.;:!,]+$", "", re.sub(r"\s+", " ", text)).casefold()


def _usable(text: str, *, inline: bool = False) -> bool:
    words = re.findall(r"[A-Za-z0-9][\w'-]*", text)
    if inline:
        # Text typed as a request holds no labels or fragments: any word asks something.
        return bool(words)
    # Two words are enough for an imperative ("Reduce churn"), not for a label.
    return len(words) >= MIN_WORDS or (len(words) == 2 and words[0].lower() in _IMPERATIVES)


def extract_requirements_by_rules(documents: list[DocumentText]) -> list[Requirement]:
    """Extract objectives, requirements and constraints from documents by rules.

    Args:
        documents: The documents to read, in order; their names are cited as sources.

    Returns:
        Requirements with ids REQ-001, REQ-002, ... in document order, each citing its
        document and the 1-based line it starts on. A statement repeated (in the same or a
        later document) is kept once, where it first appears. In an inline document (typed
        as a request) every sentence or item outside skipped and background sections is a
        requirement, whatever its wording or length.
    """
    found: list[tuple[RequirementKind, str, str, int, Priority]] = []
    worded_as_limits: list[int] = []
    seen: set[str] = set()
    for document in documents:
        for statement in _statements(document.text):
            candidates: list[tuple[int, str]]
            if statement.bullet:
                candidates = [(statement.line, statement.text())]
            else:
                candidates = list(_sentences(statement))
            explicit = statement.section in ("objective", "requirement", "constraint")
            if statement.section == "context" and not statement.bullet:
                # Background prose describes the situation; the asks have their own sections.
                continue
            for line, raw_text in candidates:
                text = _ITEM_LABEL.sub("", _clean_inline(raw_text)).strip()
                text = re.sub(r"\s*:\s*$", "", text) if statement.bullet else text
                if not _usable(text, inline=document.inline) or _BOILERPLATE.match(text):
                    continue
                if not statement.bullet and (
                    _INTRO_ENDING.search(raw_text) or _META_OPENING.match(text)
                ):
                    continue
                if not explicit and not document.inline and not _states_a_want(text):
                    continue
                key = _normalise(text)
                if key in seen:
                    continue
                seen.add(key)
                kind = classify_kind(text, statement.section)
                priority = statement.priority or classify_priority(text)
                if kind == "constraint" and not explicit:
                    worded_as_limits.append(len(found))
                found.append((kind, text, document.name, line, priority))
    if worded_as_limits and all(kind == "constraint" for kind, *_ in found):
        # Nothing is asked but limits: a limit limits a request, so what reads as one here
        # ("which parts depend on only one supplier", "suggest links that don't exist yet")
        # is the request. Constraints under a Constraints heading stay constraints.
        for index in worded_as_limits:
            found[index] = ("requirement", *found[index][1:])
    return [
        Requirement(
            id=f"REQ-{index:03d}",
            kind=kind,
            text=text,
            source=source,
            line=line,
            priority=priority,
        )
        for index, (kind, text, source, line, priority) in enumerate(found, start=1)
    ]


# --------------------------------------------------------------------------- node


def _read_and_extract(
    documents: Sequence[Any], use_samples: bool, policy: TrustPolicy
) -> tuple[list[DocumentText], list[Requirement]]:
    texts = read_documents(documents, policy) if documents else []
    if not texts and use_samples:
        texts = sample_documents()
    return texts, extract_requirements_by_rules(texts)


async def extract_requirements(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Read the requirement documents and extract requirements from them (rules path).

    Args:
        state: Reads `documents`. Empty documents mean the bundled sample documents on the
            demo source, and no requirements elsewhere.
        runtime: The run's context; its `source` decides whether sample documents apply,
            and the policy it was checked under (a server's) which files may be read.

    Returns:
        Updates for `requirements`, `errors` (a warning for the summary when there is nothing
        to read or nothing was found, so the vertical's standard questions stand in) and
        `timings`.

    Raises:
        DocumentError: When a document the caller named cannot be read; the run cannot
            answer the user's questions without it.
    """
    context = context_of(runtime)
    errors: list[RunError] = []
    with timed("extract_requirements") as clock:
        texts, requirements = await asyncio.to_thread(
            _read_and_extract,
            check_graph_input(state.documents, state.run_id),
            is_demo_source(context.source),
            policy_of(context),
        )
        # LLM branch: the rule result above is the fallback (imported here: the LLM module
        # imports node helpers).
        from gaai_graph.llm.phases import requirements_with_llm

        requirements, llm_updates = await requirements_with_llm(context, texts, requirements)
        # Use-case generation answers the vertical's standard questions when there are no
        # requirements: the summary must say so, or the user's request looks answered.
        if not texts:
            errors.append(
                RunError(
                    phase="extract_requirements",
                    message="no requirement documents given; used the vertical's standard "
                    "questions",
                )
            )
        elif not requirements:
            names = ", ".join(text.name for text in texts)
            errors.append(
                RunError(
                    phase="extract_requirements",
                    message="no requirements found in the documents; used the vertical's "
                    f"standard questions (documents read: {names})",
                )
            )
    return {
        "requirements": requirements,
        "errors": errors,
        "timings": [clock.timing],
        **llm_updates,
    }
