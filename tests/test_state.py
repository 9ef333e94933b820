"""The per-template `Send` payload carries what its chain reads, and little else."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from gaai_graph.graph import build_graph, route_templates
from gaai_graph.nodes.execute import write_report
from gaai_graph.state import TemplateTask, WorkflowState


async def _demo_state() -> WorkflowState:
    app = build_graph().compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "payload"}}
    await app.ainvoke({}, config)
    values = (await app.aget_state(config)).values
    fields = ("schema", "vertical", "templates", "use_cases", "requirements", "executions")
    return WorkflowState(**{name: values[name] for name in fields})


async def test_payload_keeps_the_projection_labels_and_the_intents_reading() -> None:
    state = await _demo_state()
    assert state.schema is not None and state.vertical is not None
    sends = route_templates(state)
    assert isinstance(sends, list) and len(sends) == len(state.templates)

    for send in sends:
        task: TemplateTask = send.arg
        projection = task.template.projection
        projected = set(projection.vertex_collections) | set(projection.edge_collections)
        assert {c.name for c in task.schema.collections} == projected
        for profile in task.schema.collections:
            assert profile.label_attribute == state.schema.collection(profile.name).label_attribute
        assert task.use_case is not None
        intent = task.use_case.intent
        assert set(task.vertical.interpretation) <= {intent}
        assert task.vertical.recommendations.get(intent) == state.vertical.recommendations.get(
            intent
        )
        assert task.vertical.entity_terms == state.vertical.entity_terms


async def test_the_cut_payload_writes_the_same_report_and_is_much_smaller() -> None:
    state = await _demo_state()
    assert state.schema is not None and state.vertical is not None
    serializer = JsonPlusSerializer()
    executions = {execution.template_id: execution for execution in state.executions}
    sends = route_templates(state)
    assert isinstance(sends, list)
    for send in sends:
        cut: TemplateTask = send.arg
        whole = TemplateTask(
            template=cut.template,
            use_case=cut.use_case,
            schema=state.schema,
            vertical=state.vertical,
            requirements=cut.requirements,
        )
        execution = executions[cut.template.id]
        assert write_report(cut, execution) == write_report(whole, execution)
        cut_size = len(serializer.dumps_typed(cut)[1])
        whole_size = len(serializer.dumps_typed(whole)[1])
        assert cut_size < whole_size / 2
