"""A workflow as a graph: its steps (runs), the artifacts they made, and what took them.

An edge goes from a step to each artifact it made, and from an artifact to each step whose
input URI is pinned to it (`store://project/key@run_id`). A step's column follows the steps it
depends on, so independent steps stand side by side; inputs from outside the workflow (another
run's artifact, a plain file) are drawn in a first column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from satchel_ui.data import Workflow, parse_uri
from satchel_ui.svg import Node, graph

Link = Callable[[str], str]


def artifact_node_id(run_id: str, key: str) -> str:
    """The node of artifact `key` made by run `run_id`."""
    return f"artifact:{run_id}/{key}"


def _made(run: dict[str, Any]) -> list[tuple[str, str]]:
    """`(node id, key)` of each artifact a step made (a cache hit's point at the run it reused)."""
    made = []
    for key, artifact in run["artifacts"].items():
        parsed = parse_uri(artifact.get("uri"))
        made.append((artifact_node_id(parsed[2] if parsed and parsed[2] else run["id"], key), key))
    return made


def build(workflow: Workflow, run_link: Link) -> tuple[list[Node], list[tuple[str, str]]]:
    """The nodes and edges of a workflow's graph; `run_link(run_id)` is a step's page."""
    steps = workflow.steps
    producer: dict[str, str] = {}  # artifact node -> step id
    for run in steps:
        for node_id, _ in _made(run):
            producer[node_id] = run["id"]
    layer: dict[str, int] = {}
    edges: list[tuple[str, str]] = []
    outside: dict[str, Node] = {}
    for run in steps:  # oldest first: a step's producers started before it
        depth = 0
        for name, recorded in run["inputs"].items():
            parsed = parse_uri(recorded.get("uri"))
            if parsed and parsed[2]:
                node_id = artifact_node_id(parsed[2], parsed[1])
                if node_id in producer and producer[node_id] in layer:
                    depth = max(depth, layer[producer[node_id]] + 1)
                elif node_id not in outside:
                    outside[node_id] = Node(
                        node_id, parsed[1], f"run {parsed[2][:8]}", "outside", -1, 0, run_link(parsed[2])
                    )
            else:
                node_id = f"file:{recorded.get('path') or name}"
                outside.setdefault(
                    node_id, Node(node_id, name, str(recorded.get("path") or "file")[-28:], "outside", -1, 0)
                )
            edges.append((node_id, run["id"]))
        layer[run["id"]] = depth
    nodes: list[Node] = []
    rows: dict[int, int] = {}

    def place(node: Node) -> Node:
        node.row = rows.get(node.column, 0)
        rows[node.column] = node.row + 1
        nodes.append(node)
        return node

    for node in outside.values():
        place(node)
    for run in steps:
        marks = [run["status"]]
        detail = f"{run['status']} · {run['id'][:8]}"
        if run.get("cached_from"):
            marks.append("cached")
            detail = f"cached from {run['cached_from'][:8]}"
        place(
            Node(
                run["id"],
                str(run["name"]),
                detail,
                "step",
                2 * layer[run["id"]],
                0,
                run_link(run["id"]),
                marks,
            )
        )
    for run in steps:
        for node_id, key in _made(run):
            artifact = run["artifacts"][key]
            detail = str(artifact.get("object_type") or artifact.get("kind") or "")
            place(
                Node(
                    node_id,
                    key,
                    detail,
                    "artifact",
                    2 * layer[run["id"]] + 1,
                    0,
                    run_link(run["id"]) + f"#artifact-{key}",
                )
            )
            edges.append((run["id"], node_id))
    return nodes, edges


def draw(workflow: Workflow, run_link: Link) -> Any:
    """The workflow's graph as inline SVG markup."""
    nodes, edges = build(workflow, run_link)
    return graph(nodes, edges, f"workflow {workflow.name}")
