"""Synthetic benchmark graphs with planted structures, from seeded generators.

Each generator returns a `Benchmark` whose `patterns` list the planted instances by vertex id.
Anomalies (loops, collectors, the outlier shared device, sole suppliers, cut points, weighted
hubs, attribute-aligned communities) must be found; planted normal structures (two-person
households sharing a device, ordinary degree hubs) must not be flagged. The ground truth of the
structural patterns (articulation points, bridges) is computed with NetworkX, not assumed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import networkx as nx

from gaai_eval import names
from gaai_eval.cases import Benchmark, PatternCase
from gaai_eval.snapshots import SnapshotBuilder

EPOCH = datetime(2026, 1, 5, tzinfo=UTC)


def _timestamp(offset_hours: float) -> str:
    return (EPOCH + timedelta(hours=offset_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def transfers(seed: int = 1501) -> Benchmark:
    """Money transfers: 600 accounts, planted 3-5-account loops, collectors and distributors.

    Background transfers give every account 1-5 payees, which makes one large strongly
    connected component (so SCCs are not loops) and some incidental short cycles with unrelated
    amounts and dates. Planted loops pass a similar amount (9,000-9,900, shrinking 1-3% per
    hop) around 3-5 accounts within two days. Collectors receive from 30-45 distinct senders;
    distributors pay 30-40 distinct payees.
    """
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    holders = names.people(rng, 600)
    accounts = [
        snapshot.vertex(
            "accounts",
            f"acc{index:04d}",
            holder=holder,
            name=f"{holder} ({'business' if index % 7 == 0 else 'personal'})",
            kind="business" if index % 7 == 0 else "personal",
            opened=f"20{rng.randint(10, 25):02d}-{rng.randint(1, 12):02d}-01",
        )
        for index, holder in enumerate(holders)
    ]
    for account in accounts:
        for payee in rng.sample([a for a in accounts if a != account], rng.randint(1, 5)):
            snapshot.edge(
                "transfers",
                account,
                payee,
                amount=round(rng.lognormvariate(5.0, 1.0), 2),
                timestamp=_timestamp(rng.uniform(0, 24 * 90)),
            )
    pool = rng.sample(accounts, 60)
    loops: list[list[str]] = []
    for length in (3, 4, 5, 3, 4, 5):
        members = [pool.pop() for _ in range(length)]
        amount = rng.uniform(9000, 9900)
        hour = rng.uniform(0, 24 * 85)
        for index, sender in enumerate(members):
            snapshot.edge(
                "transfers",
                sender,
                members[(index + 1) % length],
                amount=round(amount, 2),
                timestamp=_timestamp(hour),
            )
            amount *= 1 - rng.uniform(0.01, 0.03)
            hour += rng.uniform(2, 10)
        loops.append(sorted(members))
    collectors = [pool.pop() for _ in range(4)]
    for collector in collectors:
        senders = rng.sample([a for a in accounts if a != collector], rng.randint(30, 45))
        start = rng.uniform(0, 24 * 70)
        for sender in senders:
            snapshot.edge(
                "transfers",
                sender,
                collector,
                amount=round(rng.uniform(50, 500), 2),
                timestamp=_timestamp(start + rng.uniform(0, 24 * 14)),
            )
    distributors = [pool.pop() for _ in range(2)]
    for distributor in distributors:
        payees = rng.sample([a for a in accounts if a != distributor], rng.randint(30, 40))
        start = rng.uniform(0, 24 * 70)
        for payee in payees:
            snapshot.edge(
                "transfers",
                distributor,
                payee,
                amount=round(rng.uniform(100, 900), 2),
                timestamp=_timestamp(start + rng.uniform(0, 24 * 7)),
            )
    return Benchmark(
        name="transfers",
        domain="fraud_aml",
        description="600 bank accounts and ~2,100 transfers with amounts and timestamps; "
        "planted: 6 loops of 3-5 accounts (similar amounts within two days), 4 collector "
        "accounts, 2 distributor accounts.",
        citation="Synthetic, seeded (gaai_eval.synthetic.transfers, seed 1501).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="transfers-loops",
                graph="transfers",
                pattern="cycle",
                normal=False,
                questions=[
                    "Is money going round in circles between accounts?",
                    "Find round-tripping: funds that leave an account and come back to it "
                    "through a few others.",
                ],
                instances=loops,
            ),
            PatternCase(
                id="transfers-collectors",
                graph="transfers",
                pattern="collector",
                normal=False,
                questions=[
                    "Which accounts collect money from many different senders?",
                    "show me mule accounts receiving from lots of sources",
                ],
                instances=[[collector] for collector in collectors],
            ),
            PatternCase(
                id="transfers-distributors",
                graph="transfers",
                pattern="distributor",
                normal=False,
                questions=[
                    "Which accounts pay out to an unusual number of recipients?",
                    "who fans money out to many accounts",
                ],
                instances=[[distributor] for distributor in distributors],
            ),
        ],
    )


def devices(seed: int = 1502) -> Benchmark:
    """Customers and the devices they log in from, with households and one outlier device.

    Every customer has a personal phone. 200 two-person households also share a home device
    (a planted NORMAL structure: most shared devices have exactly two users). One device is used
    by 8 otherwise unrelated customers (the planted outlier).
    """
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    people = names.people(rng, 600)
    customers = [
        snapshot.vertex(
            "customers",
            f"c{index:05d}",
            name=person,
            email=f"{person.lower().replace(' ', '.')}@example.org",
            segment=rng.choice(["retail", "retail", "premium"]),
        )
        for index, person in enumerate(people)
    ]
    device_count = 0

    def new_device(kind: str) -> str:
        nonlocal device_count
        device_count += 1
        return snapshot.vertex(
            "devices",
            f"d{device_count:05d}",
            name=f"{kind} #{device_count}",
            kind=kind,
            fingerprint=f"fp-{rng.getrandbits(48):012x}",
        )

    for customer in customers:
        snapshot.edge("uses", customer, new_device("phone"), first_seen=_timestamp(0))
    households: list[list[str]] = []
    for index in range(200):
        first, second = customers[2 * index], customers[2 * index + 1]
        shared = new_device(rng.choice(["tablet", "laptop", "smart-tv"]))
        snapshot.edge("uses", first, shared, first_seen=_timestamp(rng.uniform(0, 2000)))
        snapshot.edge("uses", second, shared, first_seen=_timestamp(rng.uniform(0, 2000)))
        households.append(sorted([shared, first, second]))
    singles = customers[400:]
    users = rng.sample(singles, 5) + [customers[2 * i] for i in rng.sample(range(200), 3)]
    outlier = new_device("laptop")
    for user in users:
        snapshot.edge("uses", user, outlier, first_seen=_timestamp(rng.uniform(2000, 2100)))
    questions = [
        "Are several unrelated customers logging in from the same device?",
        "find shared devices that look like fraud rings",
    ]
    return Benchmark(
        name="devices",
        domain="ecommerce",
        description="600 customers and their devices: a personal phone each, 200 two-person "
        "households sharing a home device (normal), one laptop used by 8 unrelated customers.",
        citation="Synthetic, seeded (gaai_eval.synthetic.devices, seed 1502).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="devices-outlier",
                graph="devices",
                pattern="shared_identifier",
                normal=False,
                questions=questions,
                instances=[sorted([outlier, *users])],
            ),
            PatternCase(
                id="devices-households",
                graph="devices",
                pattern="shared_identifier",
                normal=True,
                questions=questions,
                instances=households,
            ),
        ],
    )


def suppliers(seed: int = 1503) -> Benchmark:
    """A layered supply chain: suppliers -> parts -> products, with a `critical` flag on parts.

    Most parts have 2-3 suppliers; a few unimportant parts have one. Three critical parts are
    each sole-sourced from one supplier and used by 12-18 products (the planted instances).
    """
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    supplier_ids = [
        snapshot.vertex("suppliers", f"s{index:03d}", name=name, country=rng.choice(COUNTRIES))
        for index, name in enumerate(names.companies(rng, 45))
    ]
    product_ids = [
        snapshot.vertex(
            "products", f"p{index:03d}", name=f"{rng.choice(PRODUCT_LINES)} {index + 100}"
        )
        for index in range(50)
    ]
    planted: list[list[str]] = []
    planted_suppliers = rng.sample(supplier_ids, 3)
    for index in range(150):
        sole = index < 3
        lonely = 3 <= index < 15
        critical = sole or (not lonely and rng.random() < 0.25)
        part = snapshot.vertex(
            "parts",
            f"pt{index:04d}",
            name=f"{rng.choice(PART_KINDS)} {rng.choice('ABCDEFGH')}-{index:03d}",
            critical=critical,
        )
        if sole:
            sources = [planted_suppliers[index]]
            users = rng.sample(product_ids, rng.randint(12, 18))
            planted.append(sorted([sources[0], part]))
        elif lonely:
            sources = [rng.choice(supplier_ids)]
            users = rng.sample(product_ids, rng.randint(1, 2))
        else:
            sources = rng.sample(supplier_ids, rng.randint(2, 3))
            users = rng.sample(product_ids, rng.randint(1, 6))
        for source in sources:
            snapshot.edge("supplies", source, part, lead_time_days=rng.randint(5, 60))
        for product in users:
            snapshot.edge("used_in", part, product, quantity=rng.randint(1, 8))
    return Benchmark(
        name="suppliers",
        domain="supply_chain",
        description="45 suppliers, 150 parts (about a quarter `critical`), 50 products; three "
        "critical parts each have a single supplier and go into 12-18 products.",
        citation="Synthetic, seeded (gaai_eval.synthetic.suppliers, seed 1503).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="suppliers-sole",
                graph="suppliers",
                pattern="sole_supplier",
                normal=False,
                questions=[
                    "Which suppliers are single points of failure for us?",
                    "where do we depend on only one vendor for a critical component",
                ],
                instances=planted,
            )
        ],
    )


COUNTRIES = ("DE", "PL", "CN", "VN", "MX", "US", "IT", "KR", "IN", "TR")
PRODUCT_LINES = ("Pump", "Drive", "Controller", "Valve", "Compressor", "Sensor unit")
PART_KINDS = ("Bearing", "Gasket", "Microchip", "Housing", "Shaft", "Seal", "PCB", "Motor")


def network(seed: int = 1504) -> Benchmark:
    """A corporate network: 6 well-meshed subnets joined through gateway hosts.

    Inside a subnet every host is on a ring plus random chords (no cut points). Subnets are
    joined in a tree by single links between gateway hosts (bridges; the gateways are
    articulation points), except one pair joined twice. Ground truth comes from NetworkX.
    """
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    subnets = ("dmz", "office", "finance", "dev", "ops", "lab")
    undirected = nx.Graph()
    members: dict[str, list[str]] = {}
    for subnet in subnets:
        size = rng.randint(18, 28)
        hosts = [
            snapshot.vertex(
                "hosts",
                f"{subnet}-{index:02d}",
                name=f"{rng.choice(HOST_ROLES)}-{index:02d}.{subnet}",
                subnet=subnet,
                os=rng.choice(("linux", "windows", "macos")),
            )
            for index in range(size)
        ]
        members[subnet] = hosts
        pairs = {tuple(sorted((hosts[i], hosts[(i + 1) % size]))) for i in range(size)}
        while len(pairs) < size * 2:
            u, v = rng.sample(hosts, 2)
            pairs.add(tuple(sorted((u, v))))
        for u, v in sorted(pairs):
            snapshot.edge("connects", u, v, protocol=rng.choice(("smb", "ssh", "rdp", "https")))
            undirected.add_edge(u, v)
    joins = [
        ("dmz", "office"),
        ("office", "finance"),
        ("office", "dev"),
        ("dev", "ops"),
        ("ops", "lab"),
        ("dev", "ops"),
    ]
    for left, right in joins:
        u, v = rng.choice(members[left]), rng.choice(members[right])
        snapshot.edge("connects", u, v, protocol="vpn")
        undirected.add_edge(u, v)
    cut_points = sorted(nx.articulation_points(undirected))
    bridges = sorted(sorted(edge) for edge in nx.bridges(undirected))
    return Benchmark(
        name="network",
        domain="cybersecurity",
        description="~140 hosts in 6 subnets, each subnet well meshed, subnets joined through "
        "gateway links; articulation points and bridges computed with NetworkX.",
        citation="Synthetic, seeded (gaai_eval.synthetic.network, seed 1504).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="network-cut-points",
                graph="network",
                pattern="articulation_point",
                normal=False,
                questions=[
                    "Which hosts would split the network if they went down?",
                    "single points of failure in our network",
                ],
                instances=[[host] for host in cut_points],
            ),
            PatternCase(
                id="network-bridges",
                graph="network",
                pattern="bridge",
                normal=False,
                questions=[
                    "Which links are the only connection between two parts of the network?",
                    "what connections, if cut, would isolate a segment",
                ],
                instances=bridges,
            ),
        ],
    )


HOST_ROLES = ("web", "db", "ws", "app", "print", "file", "mail", "build")


def referrals(seed: int = 1505) -> Benchmark:
    """Clinicians referring patients to each other, 95% within their own department."""
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    sizes = (18, 22, 25, 20, 16, 24, 19)
    staff = names.people(rng, sum(sizes))
    departments: dict[str, list[str]] = {}
    everyone: list[str] = []
    for department, size in zip(DEPARTMENTS, sizes, strict=True):
        for _ in range(size):
            person = staff.pop()
            clinician = snapshot.vertex(
                "clinicians",
                f"cl{len(everyone):03d}",
                name=f"Dr. {person}",
                department=department,
                shift=rng.choice(("day", "night", "rotating")),
                years=rng.randint(1, 35),
            )
            departments.setdefault(department, []).append(clinician)
            everyone.append(clinician)
    for colleagues in departments.values():
        for clinician in colleagues:
            for _ in range(5):
                if rng.random() < 0.95:
                    target = rng.choice([c for c in colleagues if c != clinician])
                else:
                    target = rng.choice([c for c in everyone if c not in colleagues])
                snapshot.edge("refers", clinician, target, count=rng.randint(1, 12))
    return Benchmark(
        name="referrals",
        domain="healthcare",
        description="144 clinicians in 7 departments; 95% of referrals stay within the "
        "department, so communities follow the `department` attribute.",
        citation="Synthetic, seeded (gaai_eval.synthetic.referrals, seed 1505).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="referrals-departments",
                graph="referrals",
                pattern="attribute_community",
                normal=False,
                questions=[
                    "Which groups of clinicians work together most closely?",
                    "what clusters do referrals form and what do they have in common",
                ],
                instances=[sorted(members) for _, members in sorted(departments.items())],
                attribute="department",
                values=sorted(departments),
            )
        ],
    )


DEPARTMENTS = (
    "cardiology",
    "oncology",
    "neurology",
    "paediatrics",
    "radiology",
    "surgery",
    "geriatrics",
)


def calls(seed: int = 1506) -> Benchmark:
    """Subscribers and calls with minutes: weighted hubs vs ordinary (degree) hubs.

    Five subscribers have an ordinary number of contacts but very long calls (hubs by weight,
    the planted anomaly); five service numbers have many contacts with short calls (ordinary
    hubs, a planted NORMAL structure that must not be flagged).
    """
    rng = random.Random(seed)
    snapshot = SnapshotBuilder()
    people = names.people(rng, 400)
    subscribers = [
        snapshot.vertex(
            "subscribers",
            f"sub{index:04d}",
            name=person,
            msisdn=f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            plan=rng.choice(("prepaid", "contract", "contract")),
        )
        for index, person in enumerate(people)
    ]
    graph = nx.DiGraph()
    for subscriber in subscribers:
        for callee in rng.sample([s for s in subscribers if s != subscriber], rng.randint(2, 6)):
            graph.add_edge(subscriber, callee, minutes=round(rng.lognormvariate(2.0, 0.6), 1))
    special = rng.sample(subscribers, 10)
    heavy, service = special[:5], special[5:]
    for subscriber in heavy:
        for callee in graph.successors(subscriber):
            graph[subscriber][callee]["minutes"] = round(rng.uniform(500, 900), 1)
    for subscriber in service:
        for caller in rng.sample([s for s in subscribers if s != subscriber], rng.randint(50, 70)):
            graph.add_edge(caller, subscriber, minutes=round(rng.uniform(0.5, 2.0), 1))
    for u, v, data in sorted(graph.edges(data=True)):
        snapshot.edge("calls", u, v, minutes=data["minutes"], calls=rng.randint(1, 9))
    strength = dict(graph.degree(weight="minutes"))
    assert sorted(strength, key=strength.__getitem__)[-5:] == sorted(
        heavy, key=strength.__getitem__
    ), "weighted hubs must be the five strongest subscribers"
    return Benchmark(
        name="calls",
        domain="telecom",
        description="400 subscribers, ~1,900 call edges with minutes; 5 hubs by talk time "
        "(ordinary number of contacts), 5 service numbers with many short calls (normal).",
        citation="Synthetic, seeded (gaai_eval.synthetic.calls, seed 1506).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="calls-weighted-hubs",
                graph="calls",
                pattern="weighted_hub",
                normal=False,
                questions=[
                    "Which subscribers account for the most talk time?",
                    "who are the heaviest users by minutes on the phone",
                ],
                instances=[[s] for s in sorted(heavy)],
            ),
            PatternCase(
                id="calls-ordinary-hubs",
                graph="calls",
                pattern="hub",
                normal=True,
                questions=[
                    "Which subscribers account for the most talk time?",
                    "who are the heaviest users by minutes on the phone",
                ],
                instances=[[s] for s in sorted(service)],
            ),
        ],
    )


def synthetic() -> list[Benchmark]:
    """Return every synthetic benchmark except the transport network."""
    return [transfers(), devices(), suppliers(), network(), referrals(), calls()]
