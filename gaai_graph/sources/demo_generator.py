"""The seeded generator of the e-commerce demo graph.

`generate_demo` draws every collection family (customers, catalogue, referrals, devices and
cards, orders and reviews) from one `numpy.random.Generator` seeded by the caller, in a fixed
order, and returns the data with a `DemoTruth` naming the planted structures. The sizes, shapes
and name tables it draws from live in `demo_tables`, the result types in `demo_truth`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from gaai_graph.errors import SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData
from gaai_graph.sources.demo_tables import (
    BROKER_ORDINARY_REFERRALS_PER_SEGMENT,
    BROKER_SEGMENT_PAIRS,
    CARD_KINDS,
    CARD_WEIGHTS,
    CATEGORY_MEDIAN_PRICE,
    CATEGORY_NAMES,
    CATEGORY_NOUNS,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    CUSTOMERS_PER_SCALE,
    DEFAULT_SEED,
    DEMO_GRAPH_NAME,
    EDGE_DEFINITIONS,
    FIRST_NAMES,
    FRAUD_RING_POSITIONS,
    FRAUD_RING_SEGMENT,
    FRAUD_RING_SHAPES,
    HUB_ITEM_PROBABILITY,
    HUBS_PER_SEGMENT,
    IN_SEGMENT_PURCHASE_SHARE,
    INFLUENCER_REFERRALS_PER_SCALE,
    INFLUENCER_SEGMENTS,
    LAST_NAMES,
    MAX_ITEMS_PER_ORDER,
    MAX_SCALE,
    MEAN_EXTRA_ITEMS_PER_ORDER,
    MEAN_ORDERS_PER_CUSTOMER,
    MIN_INFLUENCER_REFERRALS,
    MIN_PRODUCTS,
    MIN_SCALE,
    OPERATING_SYSTEMS,
    OS_WEIGHTS,
    PRODUCT_ADJECTIVES,
    PRODUCTS_PER_SCALE,
    PRODUCTS_PER_SELLER,
    RATING_WEIGHTS,
    REFERRED_SHARE,
    REFERRER_WINDOW,
    REVIEW_PROBABILITY_PER_ORDER,
    REVIEW_TEXTS,
    SECOND_CARD_PROBABILITY,
    SECOND_DEVICE_PROBABILITY,
    SEGMENT_CATEGORIES,
    SEGMENTS,
    SELLER_SUFFIXES,
    SELLER_WORDS,
    SIGNUP_SPAN_DAYS,
    TIMELINE_END,
    TIMELINE_START,
    VERTEX_COLLECTIONS,
)
from gaai_graph.sources.demo_truth import DemoDataset, DemoTruth, FraudRing

__all__ = [
    "check_demo_scale",
    "demo_graph_definition",
    "generate_demo",
]


def demo_graph_definition() -> NamedGraph:
    """Return the `ecommerce_graph` named graph: one edge definition per edge collection."""
    return NamedGraph(
        name=DEMO_GRAPH_NAME,
        edge_definitions=[
            EdgeDefinition(
                edge_collection=edge,
                from_vertex_collections=[source],
                to_vertex_collections=[target],
            )
            for edge, source, target in EDGE_DEFINITIONS
        ],
    )


def generate_demo(scale: float = 1.0, seed: int = DEFAULT_SEED) -> DemoDataset:
    """Generate the e-commerce demo graph.

    Args:
        scale: Size multiplier; 1.0 gives about 1,200 customers and 18,000 edges, and every
            count grows linearly with it. From `MIN_SCALE` to `MAX_SCALE`.
        seed: Seed of the only random generator used; the same seed and scale give identical
            data.

    Returns:
        The graph (source 'demo') and the truth about its planted structures.

    Raises:
        SourceError: `scale` is out of bounds (`check_demo_scale`).
    """
    check_demo_scale(scale)
    return _DemoBuilder(scale, seed).build()


def check_demo_scale(scale: float) -> None:
    """Refuse a demo scale that is not a number from `MIN_SCALE` to `MAX_SCALE`, saying why."""
    if not np.isfinite(scale) or not MIN_SCALE <= scale <= MAX_SCALE:
        raise SourceError(
            f"the demo scale must be a number from {MIN_SCALE:g} to {MAX_SCALE:g}, got "
            f"{scale:g} (below {MIN_SCALE:g} the planted patterns drown in noise; above "
            f"{MAX_SCALE:g} the generated graph, ~10 MB of memory per unit of scale, would not "
            "fit an ordinary machine: load a larger graph from a snapshot or a database)"
        )


# --------------------------------------------------------------------------- generation


def _day_strings(days: int) -> list[str]:
    return [(TIMELINE_START + dt.timedelta(days=d)).isoformat() for d in range(days + 1)]


def _edge_documents(
    collection: str,
    sources: list[str],
    targets: list[str],
    attributes: dict[str, list[Any]] | None = None,
) -> list[dict[str, Any]]:
    """Build edge documents with numeric keys, as ArangoDB generates them."""
    if not attributes:
        return [
            {"_key": str(n), "_id": f"{collection}/{n}", "_from": source, "_to": target}
            for n, (source, target) in enumerate(zip(sources, targets, strict=True), start=1)
        ]
    names = list(attributes)
    columns = list(zip(*(attributes[name] for name in names), strict=True))
    return [
        {
            "_key": str(n),
            "_id": f"{collection}/{n}",
            "_from": source,
            "_to": target,
            **dict(zip(names, values, strict=True)),
        }
        for n, (source, target, values) in enumerate(
            zip(sources, targets, columns, strict=True), start=1
        )
    ]


def _ids(collection: str, prefix: str, count: int) -> list[str]:
    return [f"{collection}/{prefix}{n:06d}" for n in range(count)]


def _documents(ids: list[str], columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    names = list(columns)
    rows = zip(ids, *(columns[name] for name in names), strict=True)
    return [
        {"_key": row[0].split("/", 1)[1], "_id": row[0], **dict(zip(names, row[1:], strict=True))}
        for row in rows
    ]


class _DemoBuilder:
    """Draws the whole graph from one seeded generator, one collection family at a time."""

    def __init__(self, scale: float, seed: int) -> None:
        self.scale = scale
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.days = _day_strings((TIMELINE_END - TIMELINE_START).days)
        self.collections: dict[str, CollectionData] = {}

    def build(self) -> DemoDataset:
        customers = self._customers()
        products = self._catalogue()
        cycles = self._referrals(customers)
        rings = self._devices_and_cards(customers)
        self._orders_and_reviews(customers, products)
        ordered = {
            name: self.collections[name]
            for name in (*VERTEX_COLLECTIONS, *(edge for edge, _, _ in EDGE_DEFINITIONS))
        }
        data = GraphData(source="demo", collections=ordered, graphs=[demo_graph_definition()])
        truth = DemoTruth(
            scale=self.scale,
            seed=self.seed,
            customer_segments=dict(
                zip(customers.ids, (SEGMENTS[s] for s in customers.segment.tolist()), strict=True)
            ),
            segment_categories={
                segment: [products.category_ids[CATEGORY_NAMES.index(c)] for c in categories]
                for segment, categories in SEGMENT_CATEGORIES.items()
            },
            fraud_rings=rings,
            referral_cycles=cycles,
            influencers=[customers.ids[i] for i in customers.influencers],
            brokers=[customers.ids[i] for i in customers.brokers],
            broker_segments={
                customers.ids[i]: [SEGMENTS[a], SEGMENTS[b]]
                for i, (a, b) in zip(customers.brokers, BROKER_SEGMENT_PAIRS, strict=True)
            },
            hub_products=[products.ids[i] for i in products.hubs],
        )
        return DemoDataset(data=data, truth=truth)

    def _add(self, name: str, kind: CollectionKind, documents: list[dict[str, Any]]) -> None:
        self.collections[name] = CollectionData(name=name, kind=kind, documents=documents)

    # ----------------------------------------------------------------- customers

    def _customers(self) -> _Customers:
        rng = self.rng
        count = round(CUSTOMERS_PER_SCALE * self.scale)
        # Customers are numbered in signup order, so "signed up earlier" is "smaller index".
        brokers = list(range(len(BROKER_SEGMENT_PAIRS)))
        influencers = [len(brokers) + n for n in range(len(INFLUENCER_SEGMENTS))]
        rings: list[list[int]] = []
        for (members, _, _), position in zip(FRAUD_RING_SHAPES, FRAUD_RING_POSITIONS, strict=True):
            start = round(position * count)
            rings.append(list(range(start, start + members)))

        segment = rng.integers(0, len(SEGMENTS), size=count)
        for index, (first, _) in zip(brokers, BROKER_SEGMENT_PAIRS, strict=True):
            segment[index] = first
        for index, home in zip(influencers, INFLUENCER_SEGMENTS, strict=True):
            segment[index] = home
        for ring in rings:
            segment[ring] = FRAUD_RING_SEGMENT

        signup_day = (np.arange(count) * SIGNUP_SPAN_DAYS) // count
        first = rng.integers(0, len(FIRST_NAMES), size=count).tolist()
        last = rng.integers(0, len(LAST_NAMES), size=count).tolist()
        country = rng.choice(len(COUNTRIES), size=count, p=COUNTRY_WEIGHTS).tolist()
        ids = _ids("customers", "c", count)
        names = [f"{FIRST_NAMES[f]} {LAST_NAMES[n]}" for f, n in zip(first, last, strict=True)]
        emails = [
            f"{FIRST_NAMES[f].lower()}.{LAST_NAMES[n].lower()}{i}@example.com"
            for i, (f, n) in enumerate(zip(first, last, strict=True))
        ]
        self._add(
            "customers",
            "document",
            _documents(
                ids,
                {
                    "name": names,
                    "email": emails,
                    "segment": [SEGMENTS[s] for s in segment.tolist()],
                    "signup_date": [self.days[d] for d in signup_day.tolist()],
                    "country": [COUNTRIES[c] for c in country],
                },
            ),
        )
        return _Customers(ids, segment, signup_day, brokers, influencers, rings)

    # ----------------------------------------------------------------- catalogue

    def _catalogue(self) -> _Products:
        rng = self.rng
        category_ids = [f"categories/cat{n:02d}" for n in range(len(CATEGORY_NAMES))]
        self._add(
            "categories", "document", _documents(category_ids, {"name": list(CATEGORY_NAMES)})
        )

        count = max(MIN_PRODUCTS, round(PRODUCTS_PER_SCALE * self.scale))
        category = np.arange(count) % len(CATEGORY_NAMES)
        categories_per_segment = len(CATEGORY_NAMES) // len(SEGMENTS)
        segment = category // categories_per_segment

        seller_count = round(count / PRODUCTS_PER_SELLER)
        seller_segment = np.arange(seller_count) % len(SEGMENTS)
        seller_ids = _ids("sellers", "s", seller_count)
        seller_words = rng.integers(0, len(SELLER_WORDS), size=seller_count).tolist()
        seller_suffixes = rng.integers(0, len(SELLER_SUFFIXES), size=seller_count).tolist()
        seller_names = [
            f"{SELLER_WORDS[w]} {SELLER_SUFFIXES[s]} {n}"
            for n, (w, s) in enumerate(zip(seller_words, seller_suffixes, strict=True))
        ]
        self._add("sellers", "document", _documents(seller_ids, {"name": seller_names}))

        # Sellers specialise in one segment's categories, so they do not blur the segments.
        seller = np.empty(count, dtype=np.int64)
        for s in range(len(SEGMENTS)):
            own_products = np.flatnonzero(segment == s)
            own_sellers = np.flatnonzero(seller_segment == s)
            seller[own_products] = rng.choice(own_sellers, size=own_products.size)

        median = np.array([CATEGORY_MEDIAN_PRICE[c] for c in CATEGORY_NAMES])[category]
        price = np.round(median * rng.lognormal(0.0, 0.35, size=count), 2)
        adjective = rng.integers(0, len(PRODUCT_ADJECTIVES), size=count).tolist()
        noun = rng.integers(0, 4, size=count).tolist()
        titles = [
            f"{PRODUCT_ADJECTIVES[a]} {CATEGORY_NOUNS[CATEGORY_NAMES[c]][n]}"
            for a, c, n in zip(adjective, category.tolist(), noun, strict=True)
        ]
        ids = _ids("products", "p", count)
        self._add(
            "products",
            "document",
            _documents(
                ids,
                {
                    "title": titles,
                    "price": price.tolist(),
                    "category": [CATEGORY_NAMES[c] for c in category.tolist()],
                },
            ),
        )
        self._add(
            "sold_by", "edge", _edge_documents("sold_by", ids, [seller_ids[s] for s in seller])
        )
        self._add(
            "in_category",
            "edge",
            _edge_documents("in_category", ids, [category_ids[c] for c in category.tolist()]),
        )

        hubs: list[int] = []
        for s, hub_count in enumerate(HUBS_PER_SEGMENT):
            own = np.flatnonzero(segment == s)
            hubs.extend(sorted(rng.choice(own, size=hub_count, replace=False).tolist()))
        return _Products(ids, category_ids, segment, price, hubs)

    # ----------------------------------------------------------------- referrals

    def _referrals(self, customers: _Customers) -> list[list[str]]:
        rng = self.rng
        count = len(customers.ids)
        planted = np.zeros(count, dtype=bool)
        planted[customers.brokers + customers.influencers] = True
        for ring in customers.rings:
            planted[ring] = True
        referred = planted.copy()  # planted customers are never referred by ordinary ones
        pairs: list[tuple[int, int]] = []

        def recruit(referrer: int, segment: int, how_many: int) -> list[int]:
            # Later-signed-up, not yet referred, ordinary customers of the segment.
            candidates = np.flatnonzero(
                (customers.segment == segment) & ~referred & (np.arange(count) > referrer)
            )
            chosen = np.sort(rng.choice(candidates, size=how_many, replace=False))
            referred[chosen] = True
            return chosen.tolist()

        influencer_referrals = max(
            MIN_INFLUENCER_REFERRALS, round(INFLUENCER_REFERRALS_PER_SCALE * self.scale)
        )
        for influencer, home in zip(customers.influencers, INFLUENCER_SEGMENTS, strict=True):
            pairs.extend((influencer, r) for r in recruit(influencer, home, influencer_referrals))

        # Each broker brought in one influencer on each side, plus a few ordinary customers:
        # it is the only path between the two segments' referral trees.
        for broker, (left, right), recruited in zip(
            customers.brokers,
            BROKER_SEGMENT_PAIRS,
            np.reshape(customers.influencers, (len(customers.brokers), 2)).tolist(),
            strict=True,
        ):
            for side, influencer in zip((left, right), recruited, strict=True):
                pairs.append((broker, influencer))
                pairs.extend(
                    (broker, r)
                    for r in recruit(broker, side, BROKER_ORDINARY_REFERRALS_PER_SEGMENT)
                )

        # Ordinary referrals: a referrer who signed up shortly before, from the same segment;
        # so they form a forest (a DAG) of small trees and never cross segments. Customers
        # recruited by influencers or brokers refer nobody, which keeps the planted referrers'
        # trees (and so their betweenness) clear of ordinary chains.
        recruited_by_planted = referred & ~planted
        for s in range(len(SEGMENTS)):
            members = np.flatnonzero((customers.segment == s) & ~planted)
            referrers = members[~recruited_by_planted[members]]
            earlier_referrers = np.searchsorted(referrers, members)
            chance = rng.random(members.size)
            pick = rng.random(members.size)
            for position, member in enumerate(members.tolist()):
                available = int(earlier_referrers[position])
                if referred[member] or available == 0 or chance[position] >= REFERRED_SHARE:
                    continue
                window = min(available, REFERRER_WINDOW)
                referrer = referrers[available - 1 - int(pick[position] * window)]
                pairs.append((int(referrer), member))
                referred[member] = True

        cycles: list[list[str]] = []
        for ring in customers.rings:
            pairs.extend(zip(ring, ring[1:] + ring[:1], strict=True))
            cycles.append([customers.ids[i] for i in ring])

        pairs.sort(key=lambda pair: (customers.signup_day[pair[1]], pair[1], pair[0]))
        ids = customers.ids
        self._add(
            "referred",
            "edge",
            _edge_documents(
                "referred",
                [ids[a] for a, _ in pairs],
                [ids[b] for _, b in pairs],
                {"date": [self.days[customers.signup_day[b]] for _, b in pairs]},
            ),
        )
        return cycles

    # ----------------------------------------------------------------- devices and cards

    def _devices_and_cards(self, customers: _Customers) -> list[FraudRing]:
        rng = self.rng
        count = len(customers.ids)
        ring_of = np.full(count, -1)
        for n, ring in enumerate(customers.rings):
            ring_of[ring] = n
        second_device = rng.random(count) < SECOND_DEVICE_PROBABILITY
        second_card = rng.random(count) < SECOND_CARD_PROBABILITY

        device_owner: list[int] = []  # index of the customer whose device it is (first user)
        card_owner: list[int] = []
        uses_device: list[tuple[int, int]] = []
        pays_with: list[tuple[int, int]] = []
        rings: list[FraudRing] = []
        for i in range(count):
            ring = ring_of[i]
            if ring < 0:
                for _ in range(1 + int(second_device[i])):
                    uses_device.append((i, len(device_owner)))
                    device_owner.append(i)
                for _ in range(1 + int(second_card[i])):
                    pays_with.append((i, len(card_owner)))
                    card_owner.append(i)
                continue
            members = customers.rings[ring]
            if i != members[0]:
                continue
            # The whole ring's pool is created with its first account; member n logs in from
            # devices n and n+1 of the pool (chaining the pool) and pays with card n.
            _, device_pool, card_pool = FRAUD_RING_SHAPES[ring]
            devices = list(range(len(device_owner), len(device_owner) + device_pool))
            device_owner.extend([i] * device_pool)
            cards = list(range(len(card_owner), len(card_owner) + card_pool))
            card_owner.extend([i] * card_pool)
            for n, member in enumerate(members):
                uses_device.append((member, devices[n % device_pool]))
                uses_device.append((member, devices[(n + 1) % device_pool]))
                pays_with.append((member, cards[n % card_pool]))
            rings.append(
                FraudRing(
                    members=tuple(customers.ids[m] for m in members),
                    devices=tuple(f"devices/d{d:06d}" for d in devices),
                    payment_methods=tuple(f"payment_methods/pm{c:06d}" for c in cards),
                )
            )

        device_ids = _ids("devices", "d", len(device_owner))
        fingerprints = rng.integers(0, 2**63 - 1, size=len(device_owner), dtype=np.int64)
        os_choice = rng.choice(len(OPERATING_SYSTEMS), size=len(device_owner), p=OS_WEIGHTS)
        self._add(
            "devices",
            "document",
            _documents(
                device_ids,
                {
                    "fingerprint": [f"{f:016x}" for f in fingerprints.tolist()],
                    "os": [OPERATING_SYSTEMS[o] for o in os_choice.tolist()],
                },
            ),
        )
        card_ids = _ids("payment_methods", "pm", len(card_owner))
        kinds = rng.choice(len(CARD_KINDS), size=len(card_owner), p=CARD_WEIGHTS)
        last4 = rng.integers(0, 10_000, size=len(card_owner))
        self._add(
            "payment_methods",
            "document",
            _documents(
                card_ids,
                {
                    "kind": [CARD_KINDS[k] for k in kinds.tolist()],
                    "last4": [f"{d:04d}" for d in last4.tolist()],
                },
            ),
        )
        ids = customers.ids
        self._add(
            "uses_device",
            "edge",
            _edge_documents(
                "uses_device",
                [ids[c] for c, _ in uses_device],
                [device_ids[d] for _, d in uses_device],
            ),
        )
        self._add(
            "pays_with",
            "edge",
            _edge_documents(
                "pays_with", [ids[c] for c, _ in pays_with], [card_ids[p] for _, p in pays_with]
            ),
        )
        return rings

    # ----------------------------------------------------------------- orders and reviews

    def _orders_and_reviews(self, customers: _Customers, products: _Products) -> None:
        rng = self.rng
        last_day = len(self.days) - 1

        orders_per_customer = rng.poisson(MEAN_ORDERS_PER_CUSTOMER, size=len(customers.ids))
        buyer = np.repeat(np.arange(len(customers.ids)), orders_per_customer)
        order_count = buyer.size
        signup = customers.signup_day[buyer]
        order_day = signup + (rng.random(order_count) * (last_day - signup + 1)).astype(np.int64)

        extra = np.minimum(
            rng.poisson(MEAN_EXTRA_ITEMS_PER_ORDER, size=order_count), MAX_ITEMS_PER_ORDER - 1
        )
        item_order = np.repeat(np.arange(order_count), 1 + extra)
        item_product = self._draw_products(customers.segment[buyer[item_order]], products)

        # An order lists each product once; np.unique also sorts items by order.
        combined = np.unique(item_order * len(products.ids) + item_product)
        item_order = combined // len(products.ids)
        item_product = combined % len(products.ids)
        quantity = 1 + rng.binomial(2, 0.15, size=item_order.size)
        total = np.bincount(
            item_order, weights=products.price[item_product] * quantity, minlength=order_count
        )

        order_ids = _ids("orders", "o", order_count)
        self._add(
            "orders",
            "document",
            _documents(
                order_ids,
                {
                    "date": [self.days[d] for d in order_day.tolist()],
                    "total": np.round(total, 2).tolist(),
                },
            ),
        )
        customer_ids = customers.ids
        self._add(
            "placed",
            "edge",
            _edge_documents("placed", [customer_ids[c] for c in buyer.tolist()], order_ids),
        )
        self._add(
            "contains",
            "edge",
            _edge_documents(
                "contains",
                [order_ids[o] for o in item_order.tolist()],
                [products.ids[p] for p in item_product.tolist()],
                {"quantity": quantity.tolist()},
            ),
        )

        # Customers review a product from one of their own orders.
        first_item = np.searchsorted(item_order, np.arange(order_count))
        items_in_order = np.bincount(item_order, minlength=order_count)
        reviewed = np.flatnonzero(rng.random(order_count) < REVIEW_PROBABILITY_PER_ORDER)
        item = first_item[reviewed] + (rng.random(reviewed.size) * items_in_order[reviewed]).astype(
            np.int64
        )
        rating = 1 + rng.choice(len(RATING_WEIGHTS), size=reviewed.size, p=RATING_WEIGHTS)
        text_choice = rng.integers(0, 3, size=reviewed.size).tolist()
        review_ids = _ids("reviews", "r", reviewed.size)
        self._add(
            "reviews",
            "document",
            _documents(
                review_ids,
                {
                    "rating": rating.tolist(),
                    "text": [
                        REVIEW_TEXTS[r][t]
                        for r, t in zip(rating.tolist(), text_choice, strict=True)
                    ],
                },
            ),
        )
        self._add(
            "wrote",
            "edge",
            _edge_documents(
                "wrote", [customer_ids[c] for c in buyer[reviewed].tolist()], review_ids
            ),
        )
        self._add(
            "about",
            "edge",
            _edge_documents(
                "about", review_ids, [products.ids[p] for p in item_product[item].tolist()]
            ),
        )

    def _draw_products(self, segment: np.ndarray, products: _Products) -> np.ndarray:
        """Draw one product per order item, given each item's buyer segment."""
        rng = self.rng
        size = segment.size
        chosen = rng.integers(0, len(products.ids), size=size)  # the off-segment draws
        in_segment = rng.random(size) < IN_SEGMENT_PURCHASE_SHARE
        uniform = rng.random(size)
        hub_roll = rng.random(size)
        hub_set = np.zeros(len(products.ids), dtype=bool)
        hub_set[products.hubs] = True
        for s in range(len(SEGMENTS)):
            mask = in_segment & (segment == s)
            hubs = np.array([h for h in products.hubs if products.segment[h] == s], dtype=np.int64)
            ordinary = np.flatnonzero((products.segment == s) & ~hub_set)
            # Each of the segment's hubs takes HUB_ITEM_PROBABILITY of its in-segment items.
            hub_share = HUB_ITEM_PROBABILITY * hubs.size
            is_hub = mask & (hub_roll < hub_share)
            hub_pick = (hub_roll[is_hub] / HUB_ITEM_PROBABILITY).astype(np.int64)
            chosen[is_hub] = hubs[np.minimum(hub_pick, hubs.size - 1)]
            is_ordinary = mask & ~is_hub
            chosen[is_ordinary] = ordinary[(uniform[is_ordinary] * ordinary.size).astype(np.int64)]
        return chosen


@dataclass
class _Customers:
    ids: list[str]
    segment: np.ndarray
    signup_day: np.ndarray
    brokers: list[int]
    influencers: list[int]
    rings: list[list[int]]


@dataclass
class _Products:
    ids: list[str]
    category_ids: list[str]
    segment: np.ndarray
    price: np.ndarray
    hubs: list[int]
