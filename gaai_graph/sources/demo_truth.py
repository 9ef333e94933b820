"""What a generated demo graph is: its data plus the truth about the structures planted in it.

`gaai_graph.sources.demo_generator` returns these; tests and benchmarks read the truth to check
that an analysis finds what is really there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from gaai_graph.sources.base import GraphData
from gaai_graph.sources.demo_tables import SATELLITE_COLLECTIONS

__all__ = ["DemoDataset", "DemoTruth", "FraudRing"]


@dataclass(frozen=True)
class FraudRing:
    """Accounts that share a small pool of devices and payment cards among themselves."""

    members: tuple[str, ...]
    """Customer ids, in the order of their referral cycle."""
    devices: tuple[str, ...]
    payment_methods: tuple[str, ...]


@dataclass
class DemoTruth:
    """The structures planted in a generated demo graph; every id is `<collection>/<_key>`."""

    scale: float
    seed: int
    customer_segments: dict[str, str]
    """Every customer's segment (fraud-ring members included)."""
    segment_categories: dict[str, list[str]]
    """Segment -> ids of the categories its members mostly buy from."""
    fraud_rings: list[FraudRing]
    """The only customers who share a device or a card with anyone."""
    referral_cycles: list[list[str]]
    """Directed `referred` cycles, in edge order; all other referrals form a DAG."""
    influencers: list[str]
    """Customers who referred by far the most others (highest out-degree on `referred`)."""
    brokers: list[str]
    """Customers whose referrals reach two segments; the only cross-segment referrals."""
    broker_segments: dict[str, list[str]]
    """Broker -> the two segments it refers into."""
    hub_products: list[str]
    """Products contained in far more orders than any other product."""
    satellite_collections: list[str] = field(default_factory=lambda: list(SATELLITE_COLLECTIONS))

    def to_jsonable(self) -> dict[str, Any]:
        """Return the truth as plain JSON-ready data."""
        return asdict(self)


@dataclass
class DemoDataset:
    """A generated demo graph and the truth about what was planted in it."""

    data: GraphData
    truth: DemoTruth
