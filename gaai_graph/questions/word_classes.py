"""Word classes the cue patterns are written with (`@NAME` in a pattern).

A class is a set of lemmas that play one part in a question: what is shared (`IDENT`), what
moves money (`SEND`, `RECEIVE`), what counts as many (`MANY`). The graph's own identifier
collections extend `IDENT` at read time (see `graph_terms`).
"""

from __future__ import annotations

__all__ = ["CLASSES", "SURFACE_CLASSES"]


def _word_set(words: str) -> frozenset[str]:
    """The space-separated `words` as a set."""
    return frozenset(words.split())


CLASSES: dict[str, frozenset[str]] = {
    "MANY": _word_set(
        "many multiple numerous several lot lots various different distinct most plenty "
        "dozens hundreds countless diverse loads large wide broad more unusually high widest "
        "range unusual everyone everybody"
    ),
    "RECEIVE": _word_set(
        "receive collect get gather accumulate take accept incoming inbound inflow pool "
        "absorb attract funnel obtain deposit credit land draw"
    ),
    "SEND": _word_set(
        "send pay distribute disperse disburse outgoing outbound outflow scatter dispatch "
        "wire give spray push call refer message email text contact deliver ship spread "
        "dial forward transmit"
    ),
    "RECEIVER": _word_set(
        "recipient receiver beneficiary payee collector sink aggregator consolidator callee"
    ),
    "SENDER": _word_set(
        "sender payer spender giver distributor disburser disperser caller dialler dialer referrer "
        "originator remitter"
    ),
    "IDENT": _word_set(
        "device phone telephone mobile email mail address ip card ssn identifier id "
        "credential login cookie fingerprint passport iban sim imei browser "
        "identity computer laptop hardware terminal gadget handset smartphone tablet"
    ),
    "PARTNER": _word_set(
        "peer neighbour neighbor contact friend connection counterparty counterpart colleague "
        "partner customer client supplier vendor buyer seller people person reference citation "
        "item product interest tag keyword event follower acquaintance machine host server station "
        "account member user character subscriber doctor clinician"
    ),
    "NEG": _word_set(
        "not no never dont doesnt didnt cant cannot wont isnt arent wasnt werent havent hasnt "
        "hadnt nobody none nothing"
    ),
    "EDGE": frozenset(),
    "SELECT": _word_set(
        "call visit interview staff keep monitor watch investigate audit protect inspect "
        "check target contact invite fund pick choose afford harden secure patch"
    ),
    "SHARE": _word_set("share same common reuse joint identical"),
    "GROUP": _word_set(
        "group community cluster circle faction camp clique segment cohort team tribe bloc "
        "module partition subgroup side silo clan alliance coalition gang party ensemble"
    ),
    "EACH": _word_set("each every per respective"),
    "FLOW": _word_set("money fund payment transfer cash transaction flow value wire"),
    "PROVIDER": _word_set(
        "supplier supply source provider vendor manufacturer producer feeder factory plant "
        "warehouse upstream seller maker"
    ),
    "DEPNOUN": _word_set(
        "part component product material assembly item input ingredient service system module"
    ),
    "ACTOR": _word_set(
        "player actor figure account node member person people station entity individual "
        "customer user character family vertex caller doctor clinician host machine server "
        "supplier vendor seller shopper subscriber"
    ),
    "CONNECTVERB": _word_set("connect link join bridge span tie unite"),
    "LINKNOUN": _word_set(
        "link edge connection tie friendship relationship contact partnership collaboration friend"
    ),
    "ROUTE": _word_set("path route journey itinerary way"),
    "MOVE": _word_set("travel go get commute drive ride walk fly move"),
    "FAILVERB": _word_set(
        "fail close remove disappear stop shut lose collapse break down delete bust "
        "bankrupt insolvent default offline leave quit retire resign depart exit freeze block "
        "ban suspend"
    ),
    "AREA": _word_set(
        "subnet subnetwork department division unit district region zone area specialty "
        "team office branch side world line ward"
    ),
    "DISTUNIT": _word_set(
        "hop step stop jump link degree handshake introduction kilometre kilometer km mile "
        "metre meter minute hour"
    ),
    "HOPUNIT": _word_set(
        "hop step stop jump link edge degree move transfer handshake introduction"
    ),
}
"""Word classes, by name (referred to as `@NAME` in cue patterns)."""

SURFACE_CLASSES: frozenset[str] = frozenset({"NEG"})
"""Classes matched as written, not lemmatised: "don't" is read "dont", whose lemma is "do"."""
