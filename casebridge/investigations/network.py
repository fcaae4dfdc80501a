"""The network of the investigations compartment: the neighbours of a node to a depth, the
shortest path between two nodes, and a node's timeline; drawn on the server as SVG by Graphviz's
``dot`` (networkx holds the graph). Only nodes and links the user reaches are ever read: a link to
a node out of reach is left out with the node, as if neither existed."""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

import networkx as nx
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.investigations.access import reachable_cases
from casebridge.investigations.models import (
    Establishment,
    Identifier,
    IntelligenceReport,
    Link,
    LinkKind,
    NodeType,
    Operation,
    Subject,
)

if TYPE_CHECKING:
    from casebridge.accounts.models import User

Node = tuple[str, UUID]
# Beyond this many nodes a drawing is unreadable and slow to lay out: the nearest are kept.
MOST_NODES = 120
# The links read to find a path (the compartment of a large agency): beyond this, the search says so.
MOST_LINKS = 50_000
DOT = "/usr/bin/dot"
SHAPES = {
    NodeType.ESTABLISHMENT: "box",
    NodeType.SUBJECT: "ellipse",
    NodeType.IDENTIFIER: "note",
    NodeType.INTELLIGENCE: "folder",
    NodeType.OPERATION: "hexagon",
    NodeType.CASE: "doublecircle",
}


def parse_node(text: str) -> Node | None:
    """``<type>:<id>`` as a node, or None."""
    kind, _sep, raw = (text or "").partition(":")
    if kind not in NodeType.values:
        return None
    try:
        return kind, UUID(raw)
    except ValueError:
        return None


def node_url(node: Node) -> str:
    kind, pk = node
    if kind == NodeType.CASE:
        return reverse("cases:detail", args=[pk])
    return reverse(f"investigations:{kind}", args=[pk])


def records_of(user: User, nodes: set[Node]) -> dict[Node, Any]:
    """The records behind ``nodes`` that the user reaches (others are left out)."""
    wanted: dict[str, list[UUID]] = {}
    for kind, pk in nodes:
        wanted.setdefault(kind, []).append(pk)
    found: dict[Node, Any] = {}
    sources: dict[str, Any] = {
        NodeType.ESTABLISHMENT: Establishment.objects.visible_to(user),
        NodeType.SUBJECT: Subject.objects.visible_to(user).select_related("person"),
        NodeType.IDENTIFIER: Identifier.objects.visible_to(user),
        NodeType.INTELLIGENCE: IntelligenceReport.objects.visible_to(user),
        NodeType.OPERATION: Operation.objects.visible_to(user),
        NodeType.CASE: reachable_cases(user),
    }
    for kind, pks in wanted.items():
        for row in sources[kind].filter(pk__in=pks):
            found[(kind, row.pk)] = row
    return found


def label(kind: str, row: Any) -> str:
    """What a node is called in the drawing and its table."""
    if kind == NodeType.ESTABLISHMENT:
        return str(row.name)
    if kind == NodeType.SUBJECT:
        return row.person.display_name()
    if kind == NodeType.IDENTIFIER:
        return f"{row.get_kind_display()}: {row.value}"
    if kind == NodeType.INTELLIGENCE:
        return f"{row.grading} · {row.summary[:40]}"
    if kind == NodeType.OPERATION:
        return str(row.name)
    return str(row.number)


def _touching(user: User, nodes: set[Node]) -> list[Link]:
    by_kind: dict[str, list[UUID]] = {}
    for kind, pk in nodes:
        by_kind.setdefault(kind, []).append(pk)
    touching = Q(pk__in=[])
    for kind, pks in by_kind.items():
        touching |= Q(a_type=kind, a_id__in=pks) | Q(b_type=kind, b_id__in=pks)
    return list(Link.objects.visible_to(user).filter(touching))


@dataclass
class Network:
    """A drawn part of the network: nodes with labels, links, and what was left out."""

    centre: Node
    graph: Any = field(default_factory=nx.MultiGraph)
    labels: dict[Node, str] = field(default_factory=dict)
    records: dict[Node, Any] = field(default_factory=dict)
    truncated: bool = False

    def links(self) -> list[Link]:
        return [data["link"] for _a, _b, data in self.graph.edges(data=True)]

    def rows(self) -> list[dict[str, Any]]:
        """The table alternative of the drawing, nearest first."""
        distance = nx.single_source_shortest_path_length(self.graph, self.centre)
        out = []

        def nearest(link: Link) -> tuple[int, str]:
            a, b = (link.a_type, link.a_id), (link.b_type, link.b_id)
            return min(distance[a], distance[b]), self.labels[a]

        for link in sorted(self.links(), key=nearest):
            out.append(
                {
                    "a": self.labels[(link.a_type, link.a_id)],
                    "a_url": node_url((link.a_type, link.a_id)),
                    "kind": LinkKind(link.kind).label,
                    "b": self.labels[(link.b_type, link.b_id)],
                    "b_url": node_url((link.b_type, link.b_id)),
                    "starts_on": link.starts_on,
                    "ends_on": link.ends_on,
                    "source": link.get_source_display(),
                }
            )
        return out

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for kind, _pk in self.graph.nodes:
            kinds[kind] = kinds.get(kind, 0) + 1
        parts = ", ".join(f"{count} {NodeType(kind).label}" for kind, count in sorted(kinds.items()))
        return _("%(centre)s and its network: %(nodes)s nodes (%(kinds)s) joined by %(links)s links.") % {
            "centre": self.labels[self.centre],
            "nodes": self.graph.number_of_nodes(),
            "kinds": parts,
            "links": self.graph.number_of_edges(),
        }


def neighbourhood(user: User, centre: Node, depth: int = 2) -> Network | None:
    """The nodes within ``depth`` links of ``centre`` that the user reaches; None when the user
    does not reach ``centre`` (404)."""
    records = records_of(user, {centre})
    if centre not in records:
        return None
    network = Network(centre)
    network.graph.add_node(centre)
    network.labels[centre] = label(centre[0], records[centre])
    network.records[centre] = records[centre]
    frontier = {centre}
    for _level in range(depth):
        links = _touching(user, frontier)
        ends = {(link.a_type, link.a_id) for link in links} | {(link.b_type, link.b_id) for link in links}
        found = records_of(user, ends - set(network.graph.nodes))
        if len(network.graph) + len(found) > MOST_NODES:
            network.truncated = True
            kept = sorted(found, key=lambda n: (n[0], str(n[1])))[: max(0, MOST_NODES - len(network.graph))]
            found = {node: found[node] for node in kept}
        for node, row in found.items():
            network.graph.add_node(node)
            network.labels[node] = label(node[0], row)
            network.records[node] = row
        for link in links:
            a, b = (link.a_type, link.a_id), (link.b_type, link.b_id)
            if a in network.graph and b in network.graph and not _has(network.graph, a, b, link):
                network.graph.add_edge(a, b, key=str(link.pk), link=link)
        frontier = set(found)
        if not frontier:
            break
    return network


def node_items(user: User, records: dict[Node, Any]) -> list[Any]:
    """Audit items for the nodes shown: each compartment record as its agency's, each case on
    that case's access log (the investigation link section)."""
    from casebridge.audit.log import Item
    from casebridge.investigations.actions import item

    items = []
    for (kind, pk), row in records.items():
        if kind == NodeType.CASE:
            items.append(Item("case", str(pk), pk, ("investigation",)))
        else:
            items.append(item(user, row, kind))
    return items


def reachable_links(user: User, links: list[Link]) -> list[Link]:
    """The links whose both ends the user reaches (a link names what it joins)."""
    ends = {(k.a_type, k.a_id) for k in links} | {(k.b_type, k.b_id) for k in links}
    reached = records_of(user, ends)
    return [k for k in links if (k.a_type, k.a_id) in reached and (k.b_type, k.b_id) in reached]


def _has(graph: Any, a: Node, b: Node, link: Link) -> bool:
    return bool(graph.has_edge(a, b, key=str(link.pk)))


def shortest_path(user: User, start: Node, end: Node) -> list[tuple[Node, str]] | None:
    """The shortest chain of links between two nodes the user reaches, as (node, label) pairs;
    None when there is none among what the user reaches."""
    records = records_of(user, {start, end})
    if start not in records or end not in records:
        return None
    graph = nx.Graph()
    for link in Link.objects.visible_to(user).order_by("created_at")[:MOST_LINKS]:
        graph.add_edge((link.a_type, link.a_id), (link.b_type, link.b_id))
    if start not in graph or end not in graph:
        return None
    try:
        path = nx.shortest_path(graph, start, end)
    except nx.NetworkXNoPath:
        return None
    found = records_of(user, set(path))
    if any(node not in found for node in path):
        # A chain through a node out of reach is not a chain this user may follow: look again
        # without the nodes they do not reach (read once, all together).
        reached = records_of(user, set(graph))
        graph.remove_nodes_from([node for node in list(graph) if node not in reached])
        try:
            path = nx.shortest_path(graph, start, end)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        found = reached
    return [(node, label(node[0], found[node])) for node in path]


def timeline(user: User, node: Node) -> tuple[list[dict[str, Any]], dict[Node, Any]]:
    """What happened to a node, newest first: when it was recorded, and each link made to it
    (with the linked node's label where the user reaches it); and the linked records shown."""
    records = records_of(user, {node})
    if node not in records:
        return [], {}
    row = records[node]
    events: list[dict[str, Any]] = []
    created = getattr(row, "created_at", None)
    if created is not None:
        events.append({"at": created, "what": _("Recorded"), "other": "", "url": ""})
    for change in row.history.all() if node[0] == NodeType.ESTABLISHMENT else []:
        when = timezone.make_aware(datetime.datetime.combine(change.since, datetime.time()))
        events.append({"at": when, "what": change.get_status_display(), "other": "", "url": ""})
    links = _touching(user, {node})
    others = records_of(user, {(k.b_type, k.b_id) for k in links} | {(k.a_type, k.a_id) for k in links})
    others.pop(node, None)
    for link in links:
        other = (link.b_type, link.b_id) if (link.a_type, link.a_id) == node else (link.a_type, link.a_id)
        if other not in others:
            continue
        when = link.created_at
        if link.starts_on:
            when = timezone.make_aware(datetime.datetime.combine(link.starts_on, datetime.time()))
        events.append(
            {
                "at": when,
                "what": LinkKind(link.kind).label,
                "other": label(other[0], others[other]),
                "url": node_url(other),
            }
        )
    events.sort(key=lambda e: e["at"], reverse=True)
    return events, others


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def _quoted(text: str) -> str:
    """A DOT string: quotes and backslashes escaped (a backslash would start a Graphviz escape),
    control characters dropped; Graphviz escapes the text again when it writes the SVG."""
    return '"' + _UNSAFE.sub(" ", text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def draw(network: Network) -> str:
    """The network as an inline SVG (Graphviz ``dot``, run here; nothing fetched)."""
    ids = {node: f"n{i}" for i, node in enumerate(network.graph.nodes)}
    lines = [
        "digraph network {",
        'graph [rankdir=LR, bgcolor="transparent", fontname="Khmer OS, DejaVu Sans", fontsize=11];',
        'node [fontname="Khmer OS, DejaVu Sans", fontsize=11, style=filled, fillcolor="#ffffff", color="#555555"];',
        'edge [fontname="DejaVu Sans", fontsize=9, color="#777777", arrowsize=0.6];',
    ]
    for node, name in ids.items():
        attributes = {
            "label": _quoted(network.labels[node][:60]),
            "shape": SHAPES[node[0]],
            "URL": _quoted(node_url(node)),
            "tooltip": _quoted(str(NodeType(node[0]).label)),
        }
        if node == network.centre:
            attributes["fillcolor"] = '"#fde68a"'
            attributes["penwidth"] = "2"
        lines.append(f"{name} [{', '.join(f'{k}={v}' for k, v in attributes.items())}];")
    for link in network.links():
        start, end = (link.a_type, link.a_id), (link.b_type, link.b_id)
        lines.append(f"{ids[start]} -> {ids[end]} [label={_quoted(str(LinkKind(link.kind).label))}];")
    lines.append("}")
    result = subprocess.run(  # noqa: S603 - a fixed program; the graph comes on standard input
        [DOT, "-Tsvg"], input="\n".join(lines).encode(), capture_output=True, timeout=20, check=True
    )
    svg = result.stdout.decode("utf-8")
    return svg[svg.index("<svg") :]
