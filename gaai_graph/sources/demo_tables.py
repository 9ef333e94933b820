"""The e-commerce demo's fixed tables: sizes, planted patterns' shapes, names and attributes.

Sizes of every collection family, the shapes and positions of the planted patterns, and the
names and attribute values documents are drawn from.

Pure data, no logic: `gaai_graph.sources.demo_generator` reads it to build the graph, and
`gaai_graph.sources.demo` re-exports the public names.
"""

from __future__ import annotations

import datetime as dt

DEMO_GRAPH_NAME = "ecommerce_graph"
DEFAULT_SEED = 7
MIN_SCALE = 0.2
"""Below this the fixed-size planted structures would no longer stand out from the noise."""
MAX_SCALE = 100.0
"""The generated graph is held in memory, ~10 MB per unit of scale (1.0: ~18,000 edges), so
100 (~1.7 million edges, ~1 GB) keeps it on an ordinary machine; larger graphs come from a
database or a snapshot."""

SEGMENT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "bargain_hunters": ("Groceries", "Household Essentials", "Discount Apparel"),
    "families": ("Toys", "Baby Care", "Kitchen"),
    "tech_enthusiasts": ("Electronics", "Gaming", "Computer Accessories"),
    "outdoor_adventurers": ("Camping", "Cycling", "Sportswear"),
}
"""Customer segment -> the product categories its members mostly buy from."""
SEGMENTS: tuple[str, ...] = tuple(SEGMENT_CATEGORIES)
CATEGORY_NAMES: tuple[str, ...] = tuple(c for cats in SEGMENT_CATEGORIES.values() for c in cats)
SATELLITE_COLLECTIONS: tuple[str, ...] = ("categories",)
"""Lookup collections that would glue unrelated entities into one group."""

# Sizes at scale 1.0; every count below grows linearly with the scale.
CUSTOMERS_PER_SCALE = 1200
PRODUCTS_PER_SCALE = 300
MIN_PRODUCTS = 150
"""Keeps at least 12.5 products per category at small scales, so categories stay a lookup."""
PRODUCTS_PER_SELLER = 7.5
"""Sellers stay a core collection (not a lookup) at every scale."""
MEAN_ORDERS_PER_CUSTOMER = 3.0
MEAN_EXTRA_ITEMS_PER_ORDER = 1.0
MAX_ITEMS_PER_ORDER = 5
REVIEW_PROBABILITY_PER_ORDER = 0.27
SECOND_DEVICE_PROBABILITY = 0.5
SECOND_CARD_PROBABILITY = 0.4

IN_SEGMENT_PURCHASE_SHARE = 0.9
"""Share of order items drawn from the buyer's own segment's categories."""
HUBS_PER_SEGMENT: tuple[int, ...] = (2, 1, 1, 1)
HUB_ITEM_PROBABILITY = 0.2
"""Chance that an in-segment item is a given hub of that segment (per hub)."""

REFERRED_SHARE = 0.35
"""Share of ordinary customers who signed up through an ordinary customer's referral."""
REFERRER_WINDOW = 50
"""An ordinary referrer is one of the segment's last this-many eligible signups. A bounded
window keeps ordinary referral trees small (a customer refers about 0.35 others on average)
whatever the scale, so only the planted referrers stand out."""
INFLUENCER_SEGMENTS: tuple[int, ...] = (0, 1, 2, 3, 0, 2)
INFLUENCER_REFERRALS_PER_SCALE = 30
MIN_INFLUENCER_REFERRALS = 15
BROKER_SEGMENT_PAIRS: tuple[tuple[int, int], ...] = ((0, 1), (2, 3), (0, 2))
"""Each broker refers one influencer in each of its two segments (same order as influencers)."""
BROKER_ORDINARY_REFERRALS_PER_SEGMENT = 2

FRAUD_RING_SHAPES: tuple[tuple[int, int, int], ...] = ((8, 3, 2), (12, 4, 3))
"""(members, shared devices, shared cards) per fraud ring."""
FRAUD_RING_POSITIONS: tuple[float, ...] = (0.72, 0.9)
"""Where on the signup timeline each ring's accounts were opened (all within a few days)."""
FRAUD_RING_SEGMENT = 2

TIMELINE_START = dt.date(2021, 1, 1)
SIGNUP_SPAN_DAYS = 3 * 365
TIMELINE_END = dt.date(2024, 12, 31)

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Carla", "Dmitri",
    "Emma", "Felix", "Gita", "Hugo", "Isla", "Jamal", "Leah", "Marco", "Nina", "Oscar",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Patel", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhang", "Alvarez",
    "Brown", "Chen", "Diaz", "Eriksen", "Ferrari", "Gomez", "Huber", "Ivanova", "Kim",
)  # fmt: skip
COUNTRIES: tuple[str, ...] = ("US", "GB", "DE", "FR", "CA", "NL", "ES", "IT", "AU", "SE")
COUNTRY_WEIGHTS: tuple[float, ...] = (0.3, 0.14, 0.12, 0.1, 0.08, 0.07, 0.06, 0.06, 0.04, 0.03)
OPERATING_SYSTEMS: tuple[str, ...] = ("iOS", "Android", "Windows", "macOS", "Linux")
OS_WEIGHTS: tuple[float, ...] = (0.33, 0.37, 0.18, 0.1, 0.02)
CARD_KINDS: tuple[str, ...] = ("visa", "mastercard", "amex", "debit")
CARD_WEIGHTS: tuple[float, ...] = (0.42, 0.33, 0.1, 0.15)
PRODUCT_ADJECTIVES: tuple[str, ...] = (
    "Classic", "Compact", "Deluxe", "Eco", "Essential", "Pro", "Smart", "Ultra", "Everyday",
    "Premium", "Lite", "Max",
)  # fmt: skip
CATEGORY_NOUNS: dict[str, tuple[str, ...]] = {
    "Groceries": ("Coffee Beans", "Olive Oil", "Pasta Pack", "Granola"),
    "Household Essentials": ("Detergent", "Paper Towels", "Sponge Set", "Trash Bags"),
    "Discount Apparel": ("T-Shirt", "Socks Pack", "Hoodie", "Jeans"),
    "Toys": ("Building Blocks", "Puzzle", "Plush Bear", "Toy Train"),
    "Baby Care": ("Diapers", "Baby Wipes", "Bottle Set", "Stroller"),
    "Kitchen": ("Blender", "Pan Set", "Knife Block", "Lunch Box"),
    "Electronics": ("Headphones", "Smartwatch", "Speaker", "Tablet"),
    "Gaming": ("Controller", "Gaming Mouse", "Headset", "Console Stand"),
    "Computer Accessories": ("Keyboard", "USB-C Hub", "Monitor Arm", "Webcam"),
    "Camping": ("Tent", "Sleeping Bag", "Headlamp", "Camp Stove"),
    "Cycling": ("Bike Helmet", "Bike Light", "Saddle Bag", "Pump"),
    "Sportswear": ("Running Shoes", "Rain Jacket", "Leggings", "Base Layer"),
}
CATEGORY_MEDIAN_PRICE: dict[str, float] = {
    "Groceries": 9.0, "Household Essentials": 12.0, "Discount Apparel": 18.0,
    "Toys": 25.0, "Baby Care": 30.0, "Kitchen": 45.0,
    "Electronics": 180.0, "Gaming": 70.0, "Computer Accessories": 55.0,
    "Camping": 90.0, "Cycling": 60.0, "Sportswear": 65.0,
}  # fmt: skip
SELLER_WORDS: tuple[str, ...] = (
    "Northwind", "Bluebird", "Summit", "Harbor", "Maple", "Copper", "Lumen", "Atlas",
    "Pine", "Orbit", "Meadow", "Falcon",
)  # fmt: skip
SELLER_SUFFIXES: tuple[str, ...] = ("Goods", "Supply", "Outlet", "Store", "Trading", "Market")
RATING_WEIGHTS: tuple[float, ...] = (0.05, 0.07, 0.15, 0.33, 0.4)
REVIEW_TEXTS: dict[int, tuple[str, ...]] = {
    1: ("Broke after a week.", "Not as described, returning it.", "Very disappointed."),
    2: ("Below expectations.", "Works, but feels cheap.", "Arrived late and scratched."),
    3: ("Does the job.", "Average quality for the price.", "Okay, nothing special."),
    4: ("Good value, would buy again.", "Solid product.", "Happy with it overall."),
    5: ("Excellent, exactly what I needed!", "Love it.", "Best purchase this year."),
}

EDGE_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("placed", "customers", "orders"),
    ("contains", "orders", "products"),
    ("sold_by", "products", "sellers"),
    ("wrote", "customers", "reviews"),
    ("about", "reviews", "products"),
    ("uses_device", "customers", "devices"),
    ("pays_with", "customers", "payment_methods"),
    ("in_category", "products", "categories"),
    ("referred", "customers", "customers"),
)
"""(edge collection, from collection, to collection) of the named graph."""
VERTEX_COLLECTIONS: tuple[str, ...] = (
    "customers",
    "products",
    "sellers",
    "orders",
    "reviews",
    "devices",
    "payment_methods",
    "categories",
)
