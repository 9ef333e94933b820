"""`gaai plan` and `gaai run --approve PLAN.json`: review the templates before they run.

`gaai plan` runs the workflow with `Context.approve_templates` up to the approval interrupt
(`gaai_graph.nodes.approval`) and writes the templates awaiting approval to a plan file:

```json
{"gaai_plan": 1, "thread_id": "run-…", "out_dir": "/…/gaai-output", "checkpoint": "…",
 "how_to_approve": "…",
 "templates": [{"id": "TPL-001", "title": "…", "method": "pagerank",
                "projection": {"vertex_collections": […], "edge_collections": […],
                               "directed": true},
                "parameters": {…}, "result_collections": […], "top_k": 10,
                "description": "…", "question": "…", "use_case": "…"}]}
```

The reviewer deletes the entries of templates not to run and changes the editable fields
(`EDITABLE_FIELDS`) of others; `question` and `use_case` are shown for reading. `gaai run
--approve PLAN.json` reads the file back as the review answer (`review_answer`): a template
missing from the file is dropped, a changed field is an edit. The answer is checked against the
templates the thread is actually waiting with, and against the graph's schema, before the
thread is resumed, so a bad plan is refused with one line and the thread keeps waiting.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gaai_graph.errors import GaaiError

__all__ = [
    "EDITABLE_FIELDS",
    "PLAN_FORMAT",
    "READ_ONLY_FIELDS",
    "PlanError",
    "PlanReview",
    "add_plan_command",
    "approval_arguments",
    "build_plan",
    "paused",
    "read_plan",
    "review_answer",
    "write_plan",
]

PLAN_FORMAT = 1
"""Version of the plan file layout (its `gaai_plan` key)."""

EDITABLE_FIELDS = (
    "title",
    "method",
    "projection",
    "parameters",
    "result_collections",
    "top_k",
    "description",
)
"""Fields of a plan entry the reviewer may change (`method` is the template's algorithm)."""

READ_ONLY_FIELDS = ("question", "use_case")
"""Fields of a plan entry shown for reading; changing them changes nothing, so it is refused."""

_PROJECTION_KEYS = ("vertex_collections", "edge_collections", "directed")

_QUESTION_LIMIT = 500
"""Most characters of requirement text shown as a template's question."""


class PlanError(GaaiError):
    """A plan file cannot be read or applied; the message names the file and what to do."""


def add_plan_command(
    commands: Any, add_run_inputs: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `gaai plan` to the parser.

    Args:
        commands: The `gaai` subparsers.
        add_run_inputs: Adds the source, document and analysis flags `gaai run` has.
    """
    plan = commands.add_parser(
        "plan",
        help="generate the analysis templates and write them to a file for review, without "
        "running them (then: gaai run --approve FILE)",
    )
    add_run_inputs(plan)
    plan.add_argument(
        "--out",
        dest="plan_file",
        default="gaai-plan.json",
        metavar="PLAN.json",
        help="the plan file to write",
    )
    plan.add_argument(
        "--out-dir",
        dest="out",
        default="gaai-output",
        metavar="DIR",
        help="output directory of the run: its checkpoints and catalog now, its reports once "
        "the plan is approved",
    )
    plan.add_argument("--quiet", action="store_true", help="print only where the plan went")
    plan.add_argument("--verbose", action="store_true", help="log warnings with tracebacks")
    plan.set_defaults(json=False, compare_to=None)


def _question_of(template: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """The requirement text(s) the template answers, else its use case's description."""
    wanted = set(template.get("requirement_ids") or [])
    texts = [
        str(getattr(requirement, "text", ""))
        for requirement in values.get("requirements") or []
        if getattr(requirement, "id", None) in wanted
    ]
    text = " / ".join(t.strip() for t in texts if t.strip())
    if not text:
        use_case = _use_case_of(template, values)
        text = str(getattr(use_case, "description", "") or getattr(use_case, "title", ""))
    return text if len(text) <= _QUESTION_LIMIT else text[: _QUESTION_LIMIT - 1] + "…"


def _use_case_of(template: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    for use_case in values.get("use_cases") or []:
        if getattr(use_case, "id", None) == template.get("use_case_id"):
            return use_case
    return None


def _entry(template: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    projection = template.get("projection") or {}
    use_case = _use_case_of(template, values)
    return {
        "id": template["id"],
        "title": template.get("title", ""),
        "method": template.get("algorithm"),
        "projection": {key: projection.get(key) for key in _PROJECTION_KEYS},
        "parameters": template.get("parameters") or {},
        "result_collections": template.get("result_collections") or [],
        "top_k": template.get("top_k"),
        "description": template.get("description", ""),
        "question": _question_of(template, values),
        "use_case": (
            f"{use_case.id}: {use_case.title}"
            if use_case is not None
            else template.get("use_case_id")
        ),
    }


def build_plan(
    templates: list[dict[str, Any]],
    values: Mapping[str, Any],
    *,
    thread_id: str,
    out_dir: Path,
    checkpoint: str | None,
    plan_file: Path,
) -> dict[str, Any]:
    """The plan file's content for a thread waiting for approval.

    Args:
        templates: The templates of the approval interrupt (JSON-ready dicts).
        values: The thread's state (its requirements and use cases give each question).
        thread_id: The paused run's thread.
        out_dir: The run's output directory (absolute, so the plan works from anywhere).
        checkpoint: The checkpoint store; None when it is a URL (not written to disk).
        plan_file: Where the plan is written (for the instructions).

    Returns:
        A JSON-ready dict.
    """
    return {
        "gaai_plan": PLAN_FORMAT,
        "thread_id": thread_id,
        "out_dir": str(out_dir),
        "checkpoint": checkpoint,
        "how_to_approve": (
            "Delete the entries of templates not to run; change "
            + ", ".join(EDITABLE_FIELDS)
            + " of others ("
            + " and ".join(READ_ONLY_FIELDS)
            + f" are for reading). Then run: gaai run --approve {plan_file}"
        ),
        "templates": [_entry(template, values) for template in templates],
    }


def write_plan(path: Path, plan: Mapping[str, Any]) -> None:
    """Write the plan file (its directory is created).

    Raises:
        PlanError: If it cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plan, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise PlanError(
            f"--out {path}: cannot write the plan ({error.strerror or error}); give a file in "
            "a directory you can write"
        ) from error


def read_plan(path: Path) -> dict[str, Any]:
    """Read and check the shape of a plan file.

    Raises:
        PlanError: The file is missing, not JSON, or not a gaai plan; the message says which.
    """
    from gaai_graph.validation import check_thread_id

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"plan {path} not found: give the file gaai plan wrote") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(
            f"plan {path} cannot be read ({error}): give the file gaai plan wrote"
        ) from None
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(
            f"plan {path} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}): fix the edit, or make a new plan with gaai plan"
        ) from None
    if not isinstance(plan, dict) or plan.get("gaai_plan") != PLAN_FORMAT:
        raise PlanError(
            f'plan {path} is not a gaai plan (no "gaai_plan": {PLAN_FORMAT}): give the file '
            "gaai plan wrote"
        )
    for key, kind in (("thread_id", str), ("out_dir", str), ("templates", list)):
        if not isinstance(plan.get(key), kind):
            raise PlanError(
                f"plan {path}: {key!r} is missing or not a {kind.__name__}: restore it from the "
                "file gaai plan wrote"
            )
    try:
        check_thread_id(plan["thread_id"], name="the plan's thread_id")
    except GaaiError as error:
        raise PlanError(f"plan {path}: {error}") from None
    return plan


def review_answer(
    plan: Mapping[str, Any],
    pending: list[dict[str, Any]],
    values: Mapping[str, Any],
    path: Path,
) -> dict[str, Any]:
    """The review answer a (possibly edited) plan stands for, against the waiting templates.

    A waiting template missing from the plan is dropped; an editable field whose value differs
    from the waiting template's is an edit (`projection` key by key).

    Args:
        plan: The plan as read by `read_plan`.
        pending: The templates the thread waits with (JSON-ready dicts).
        values: The thread's state (for the read-only fields as shown).
        path: The plan file, for messages.

    Returns:
        `{"drop": [ids], "edit": {id: {field: value}}}`, as `nodes.approval` takes it.

    Raises:
        PlanError: An entry is not an object, has no or an unknown or a repeated id, an unknown
            field, or a changed read-only field.
    """
    waiting = {template["id"]: template for template in pending}
    seen: set[str] = set()
    edits: dict[str, dict[str, Any]] = {}
    allowed = {"id", *EDITABLE_FIELDS, *READ_ONLY_FIELDS}
    for number, entry in enumerate(plan["templates"], 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise PlanError(f"plan {path}: template entry {number} is not an object with an id")
        template_id = entry["id"]
        if template_id not in waiting:
            raise PlanError(
                f"plan {path}: unknown template id {template_id!r}; run {plan['thread_id']} waits "
                f"with {', '.join(waiting) or 'no templates'} (a plan can drop or edit templates, "
                "not add them)"
            )
        if template_id in seen:
            raise PlanError(f"plan {path}: template {template_id} is listed twice; keep one")
        seen.add(template_id)
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise PlanError(
                f"plan {path}: template {template_id} has unknown field(s) {', '.join(unknown)}; "
                f"the editable ones are {', '.join(EDITABLE_FIELDS)}"
            )
        shown = _entry(waiting[template_id], values)
        for name in READ_ONLY_FIELDS:
            if name in entry and entry[name] != shown[name]:
                raise PlanError(
                    f"plan {path}: template {template_id}: {name} is shown for reading and "
                    f"cannot be changed; change {', '.join(EDITABLE_FIELDS)} instead"
                )
        edit = _edit_of(entry, waiting[template_id], path)
        if edit:
            edits[template_id] = edit
    dropped = [template_id for template_id in waiting if template_id not in seen]
    return {"drop": dropped, "edit": edits}


def _edit_of(entry: Mapping[str, Any], template: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """The fields of `entry` that differ from the waiting template, as a `TemplateEdit`."""
    edit: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in entry:
            continue
        value = entry[name]
        if name == "projection":
            if not isinstance(value, dict):
                raise PlanError(
                    f"plan {path}: template {entry['id']}: projection must be an object with "
                    f"{', '.join(_PROJECTION_KEYS)}"
                )
            current = template.get("projection") or {}
            changed = {
                key: given for key, given in value.items() if current.get(key, object()) != given
            }
            if changed:
                edit["projection"] = changed
            continue
        field = "algorithm" if name == "method" else name
        if value != template.get(field):
            edit[field] = value
    return edit


class PlanReview:
    """Turns a plan file into the answer for the thread it names, once the thread is read.

    `durable_commands.run_durably` calls it with the opened graph and the thread's status,
    before resuming, so a bad plan or a thread that is gone is refused with one line while the
    thread keeps waiting.
    """

    def __init__(self, path: Path, plan: Mapping[str, Any]) -> None:
        """Hold the plan read from `path`."""
        self.path = path
        self.plan = plan

    async def __call__(self, graph: Any, status: str) -> dict[str, Any]:
        """The review answer for the thread, checked against its templates and schema.

        Raises:
            PlanError: The thread is gone, is not waiting for approval, or the plan does not
                apply (unknown id, an edit the schema or the method rejects).
        """
        from gaai_graph.models import AnalysisTemplate
        from gaai_graph.nodes.approval import ReviewRejectedError, apply_review, parse_review
        from gaai_graph.results import result_of_thread

        thread_id = str(self.plan["thread_id"])
        out_dir = self.plan["out_dir"]
        if status == "new":
            raise PlanError(
                f"plan {self.path}: run {thread_id} is gone from its checkpoint store (deleted, "
                f"or restarted): make a new plan with gaai plan --out-dir {out_dir}"
            )
        result = await result_of_thread(graph, thread_id)
        if result.interrupt is None:
            raise PlanError(
                f"plan {self.path}: run {thread_id} is not waiting for approval (it was approved "
                f"already); its reports are in {out_dir}, or make a new plan with gaai plan"
            )
        pending = result.interrupt.templates
        answer = review_answer(self.plan, pending, result.values, self.path)
        schema = result.values.get("schema")
        if schema is None:  # an interrupt comes after schema analysis; a damaged thread
            raise PlanError(f"plan {self.path}: run {thread_id} holds no schema: make a new plan")
        try:
            templates = [AnalysisTemplate.model_validate(t) for t in pending]
            apply_review(templates, parse_review(answer), schema)
        except ReviewRejectedError as error:
            raise PlanError(f"plan {self.path}: {error}") from None
        return answer


def approval_arguments(args: argparse.Namespace, defaults: argparse.Namespace) -> PlanReview:
    """Point `gaai run --approve PLAN.json`'s flags at the plan's run; return its review.

    The thread, output directory and checkpoint store come from the plan; the run's inputs
    from the options the thread kept (as `gaai resume` rebuilds them).

    Args:
        args: The `gaai run` flags (changed in place: thread id, out, checkpoint, source).
        defaults: `gaai run`'s flags as parsed with nothing given, to tell given ones apart.

    Raises:
        PlanError: The plan cannot be read, flags contradict it, or its run is gone.
    """
    from gaai_graph.persistence import run_options_path

    path = Path(args.approve)
    plan = read_plan(path)
    thread_id = str(plan["thread_id"])
    out_dir = Path(plan["out_dir"])
    given = [
        flag
        for flag, name in (("--doc", "documents"), ("--text", "texts"), ("--restart", "restart"))
        if getattr(args, name) != getattr(defaults, name)
    ]
    if given:
        raise PlanError(
            f"--approve {path} runs the inputs the plan was made with: leave out "
            f"{', '.join(given)} (or make a new plan with gaai plan)"
        )
    if args.thread_id is not None and args.thread_id != thread_id:
        raise PlanError(f"--approve {path} is the plan of run {thread_id}, not {args.thread_id}")
    if args.out != defaults.out and Path(args.out).resolve() != out_dir.resolve():
        raise PlanError(
            f"--approve {path} writes to the plan's output directory {out_dir}: leave out --out"
        )
    if not run_options_path(out_dir, thread_id).is_file():
        raise PlanError(
            f"plan {path}: run {thread_id} is gone ({run_options_path(out_dir, thread_id)} is "
            "missing): make a new plan with gaai plan"
        )
    args.thread_id = thread_id
    args.out = str(out_dir)
    if args.checkpoint is None:
        args.checkpoint = plan.get("checkpoint")
    if args.source == defaults.source:
        args.source = None  # only a source whose password was withheld is given again
    return PlanReview(path, plan)


def paused(args: argparse.Namespace, thread_id: str, result: Any, checkpoint: str) -> int:
    """Write the plan of a run paused for template approval (`gaai plan`); print where.

    Args:
        args: The command's flags (`plan_file` for `gaai plan`).
        thread_id: The paused run's thread.
        result: Its `WorkflowResult` (with `interrupt` set).
        checkpoint: The checkpoint store the thread is in.

    Returns:
        The exit code, 0.

    Raises:
        PlanError: When the command was not `gaai plan` (the run waits for its plan's
            approval), or the plan cannot be written.
    """
    if getattr(args, "plan_file", None) is None:
        raise PlanError(
            f"run {thread_id} is waiting for approval of its templates (gaai plan made it): "
            "approve it with gaai run --approve PLAN.json, or make a new plan with gaai plan"
        )
    path = Path(args.plan_file)
    store = None if "://" in checkpoint else str(Path(checkpoint).resolve())
    plan = build_plan(
        result.interrupt.templates,
        result.values,
        thread_id=thread_id,
        out_dir=Path(args.out).resolve(),
        checkpoint=store,
        plan_file=path,
    )
    write_plan(path, plan)
    count = len(plan["templates"])
    print(
        f"Plan of run {thread_id}: {count} analysis template{'' if count == 1 else 's'} "
        f"awaiting approval, written to {path}"
    )
    if not args.quiet:
        for entry in plan["templates"]:
            print(f"  {entry['id']}  {entry['method']:<22} {entry['title']}")
    print(
        f"Review it (delete the entries not to run, change parameters), then run: "
        f"gaai run --approve {path}"
    )
    return 0
