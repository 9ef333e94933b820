"""The cue lexicon: word classes and the lemma patterns that signal each intent.

A cue is a short sequence of *elements*, each a set of lemmas (a word class written `@NAME`,
alternatives written `a|b`, `#` for any number), matched in order with at most `gap` words
between neighbours. Word classes make the cues compositional rather than a phrase list:
`@RECEIVE ... @MANY` reads "receives money from many accounts", "collects from lots of
senders" and "gets payments from numerous customers" alike. Every word is lemmatised on both
sides, so inflections need no listing. The graph's own words (collection and attribute names)
extend the classes at read time (see `graph_terms`).

Longer cues are matched first and use up their words, so "most connected" is importance and not
also connectivity, and "split into factions" is communities and not a cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.text import lemma_of

__all__ = ["CLASSES", "CUES", "INTENT_PRIORITY", "LEXICON_WORDS", "Cue", "expand"]


def _word_set(words: str) -> frozenset[str]:
    """The space-separated `words` as a set."""
    return frozenset(words.split())


CLASSES: dict[str, frozenset[str]] = {
    "MANY": _word_set(
        "many multiple numerous several lot lots various different distinct most plenty "
        "dozens hundreds countless diverse loads large wide broad more unusually high widest "
        "range unusual"
    ),
    "RECEIVE": _word_set(
        "receive collect get gather accumulate take accept incoming inbound inflow pool "
        "absorb attract funnel obtain deposit credit"
    ),
    "SEND": _word_set(
        "send pay distribute disperse disburse outgoing outbound outflow scatter dispatch "
        "wire give spray push call refer message email text contact deliver ship spread"
    ),
    "RECEIVER": _word_set(
        "recipient receiver beneficiary payee collector sink aggregator consolidator"
    ),
    "SENDER": _word_set("sender payer spender giver distributor disburser disperser"),
    "IDENT": _word_set(
        "device phone telephone mobile email mail address ip card ssn identifier id "
        "credential login cookie fingerprint passport iban sim imei contact browser "
        "identity computer laptop hardware terminal"
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
        "warehouse upstream"
    ),
    "DEPNOUN": _word_set(
        "part component product material assembly item input ingredient service system module"
    ),
    "ACTOR": _word_set(
        "player actor figure account node member person people station entity individual "
        "customer user character family vertex"
    ),
    "CONNECTVERB": _word_set("connect link join bridge span tie unite"),
    "LINKNOUN": _word_set(
        "link edge connection tie friendship relationship contact partnership collaboration friend"
    ),
    "ROUTE": _word_set("path route journey itinerary way"),
    "MOVE": _word_set("travel go get commute drive ride walk fly move"),
    "FAILVERB": _word_set("fail close remove disappear stop shut lose collapse break down delete"),
    "AREA": _word_set(
        "subnet subnetwork department division unit district region zone area specialty "
        "team office branch side world"
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


@dataclass(frozen=True)
class Cue:
    """One pattern that votes for an intent."""

    intent: QuestionIntent
    elements: tuple[frozenset[str], ...]
    weight: float
    gap: int = 2
    """Most words allowed between two neighbouring elements."""
    method: str | None = None
    """A METHOD_NAMES entry this wording asks for, if any."""
    pattern: str = ""


def expand(pattern: str) -> tuple[frozenset[str], ...]:
    """Turn a pattern such as `"@SHARE the|a @IDENT"` into element sets of lemmas and forms.

    A word is taken with its lemma ("clusters" also matches "cluster"); a word written
    `=word` matches only that surface form ("=connected" is not the verb "connect").
    """
    elements: list[frozenset[str]] = []
    for part in pattern.split():
        words: set[str] = set()
        surfaces: set[str] = set()
        for alternative in part.split("|"):
            if alternative.startswith("@"):
                words |= CLASSES[alternative[1:]]
            elif alternative.startswith("="):
                surfaces.add(alternative[1:])
            else:
                words.add(alternative)
        words |= {lemma_of(word) for word in words if word != "#"}
        words |= surfaces
        elements.append(frozenset(words))
    return tuple(elements)


def _cue(
    intent: QuestionIntent, pattern: str, weight: float, *, gap: int = 2, method: str | None = None
) -> Cue:
    return Cue(intent, expand(pattern), weight, gap, method, pattern)


def _words(intent: QuestionIntent, words: str, weight: float, method: str | None = None) -> Cue:
    """A one-word cue with many alternatives."""
    return _cue(intent, "|".join(words.split()), weight, method=method)


CUES: tuple[Cue, ...] = (
    # ---------------------------------------------------------------- importance
    _words(
        "importance",
        "important importance influential influence influencer prominent powerful prestige "
        "prestigious pivotal dominant central centrality authority authoritative",
        1.0,
    ),
    _words("importance", "leader leadership lead chief boss head power dominate clout sway", 1.0),
    _cue("importance", "who lead|matter|dominate|count", 1.6, gap=1),
    _cue(
        "importance", "carry|hold|have|wield most|more|much weight|sway|clout|say|power", 1.5, gap=2
    ),
    _cue("importance", "key|main|top|big|star|major @ACTOR", 1.4, gap=1),
    _cue("importance", "matter|count most|more", 1.5, gap=1),
    _words("importance", "matter", 0.9),
    _cue("importance", "most|best|well|highly|better connect|connected|linked", 1.5, gap=1),
    _cue(
        "importance",
        "most|highly|widely followed|cited|referenced|mentioned|visited|used|popular|linked",
        1.3,
        gap=1,
    ),
    _words("importance", "hub popular popularity", 1.0),
    _words("importance", "celebrity heavyweight vip", 0.9),
    _words("importance", "key critical vital crucial essential significant backbone", 0.5),
    _cue("importance", "greatest|widest|most reach", 1.2, gap=1),
    _words("importance", "rank ranking player star", 0.5),
    _words("importance", "top", 1.0),
    _cue("importance", "best|top sell|seller|selling", 1.5, gap=1),
    _cue(
        "importance",
        "big|large|busy|main|major|principal|chief @ACTOR|hub|interchange|centre|center|airport",
        1.2,
        gap=1,
        method="degree",
    ),
    _cue(
        "importance",
        "most|more active|engaged|involved|social|socially|prolific|sociable|visible",
        1.3,
        gap=1,
    ),
    _cue("importance", "everybody|everyone|all go|turn|come|look to", 1.4, gap=2),
    _cue("importance", "revolve|center|centre|hinge|turn around|on", 1.5, gap=1),
    _cue("importance", "spend|talk|call|message|interact|communicate most|more", 1.2, gap=3),
    _cue("importance", "use|have|own|hold|with most", 1.0, gap=2),
    _cue(
        "importance",
        "personalised|personalized|personal pagerank",
        2.0,
        method="personalized_pagerank",
    ),
    _words("importance", "pagerank", 1.5, method="pagerank"),
    _words("importance", "articlerank", 1.5, method="articlerank"),
    _cue("importance", "eigenvector centrality|score", 1.6, gap=1, method="eigenvector"),
    _words("importance", "eigenvector", 1.5, method="eigenvector"),
    _cue("importance", "hub|authority score", 1.6, gap=1, method="hits"),
    _words("importance", "hits", 0.8, method="hits"),
    _words("importance", "closeness", 1.5, method="closeness"),
    _words("importance", "harmonic", 1.5, method="harmonic"),
    _cue("importance", "harmonic closeness|centrality", 2.0, gap=0, method="harmonic"),
    _cue("importance", "in|incoming indegree|degree", 1.2, gap=1, method="in_degree"),
    _cue("importance", "out|outgoing outdegree|degree", 1.2, gap=1, method="out_degree"),
    _words("importance", "indegree", 1.2, method="in_degree"),
    _words("importance", "outdegree", 1.2, method="out_degree"),
    _cue("importance", "weighted degree", 1.5, gap=1, method="strength"),
    _words("importance", "degree", 1.0, method="degree"),
    _cue(
        "importance",
        "most|many connection|neighbour|neighbor|link|contact|friend",
        1.2,
        gap=2,
        method="degree",
    ),
    # ---------------------------------------------------------------- communities
    _words(
        "communities",
        "community faction cluster camp cohort tribe bloc alliance coalition subgroup "
        "subcommunity grouping segment segmentation clan",
        1.2,
    ),
    _words("communities", "group circle partition gang", 1.0),
    _words("communities", "clique", 1.0),
    _cue("communities", "into|in which|what|how|many @GROUP", 1.6, gap=2),
    _words("communities", "team silo ensemble", 1.0),
    _words("communities", "crowd side module party", 0.5),
    _cue("communities", "make|form|create|build|find group", 1.2, gap=2),
    _cue(
        "communities",
        "split|divide|partition|break|carve|organise|organize|sort|cluster|group into @GROUP|@AREA",
        2.0,
        gap=3,
    ),
    _words("communities", "louvain", 1.5, method="louvain"),
    _words("communities", "leiden", 1.5, method="leiden"),
    _cue("communities", "label propagation", 2.0, gap=0, method="label_propagation"),
    _words("communities", "modularity", 1.2, method="modularity"),
    _words("communities", "conductance", 1.2, method="conductance"),
    _cue(
        "communities",
        "belong|stick|hang|cluster|clump|go|used|bought|appear|work together",
        1.6,
        gap=1,
    ),
    _cue(
        "communities",
        "split|divide|fall|break|sort|separate|partition|organise|organize|cluster|group into",
        1.2,
        gap=2,
    ),
    _cue("communities", "who with whom", 1.2, gap=4),
    # ---------------------------------------------------------------- brokers
    _words(
        "brokers",
        "broker brokerage gatekeeper intermediary middleman middlemen liaison conduit",
        1.5,
        method="betweenness",
    ),
    _cue("brokers", "go between|betweens", 1.5, gap=0, method="betweenness"),
    _cue("brokers", "structural hole", 1.5, gap=0, method="betweenness"),
    _cue("brokers", "boundary spanner", 1.5, gap=0, method="betweenness"),
    _words("brokers", "betweenness", 1.2, method="betweenness"),
    _cue("brokers", "lie|sit|be on many|most short path|route", 1.2, gap=2, method="betweenness"),
    _cue("brokers", "@CONNECTVERB @GROUP|@AREA", 1.6, gap=4),
    _cue("brokers", "who|which|@ACTOR bridge|bridging", 1.5, gap=2),
    _cue("brokers", "between|across @GROUP|@AREA", 1.2, gap=2),
    _cue(
        "brokers",
        "from|across|between|span|spanning|reach different|separate|several|multiple|other "
        "@GROUP|@AREA",
        1.6,
        gap=1,
    ),
    _cue(
        "brokers",
        "otherwise separate|disconnected|unconnected|never|not|apart|distinct|unrelated",
        1.7,
        gap=3,
    ),
    _cue("brokers", "from one|a @GROUP|@AREA to another|other", 1.4, gap=2),
    _cue("brokers", "link|connector|bridge|connection|intermediary|middle between", 1.6, gap=1),
    _words("brokers", "middle", 0.6),
    _cue(
        "brokers",
        "lie|sit|be|pass on|along|through short|shortest path|route|journey|trip|way",
        1.6,
        gap=4,
        method="betweenness",
    ),
    _cue(
        "brokers",
        "through route|routes|path|paths|traffic|journey|journeys",
        1.6,
        gap=0,
        method="betweenness",
    ),
    _cue("brokers", "bridge|bridging between|across|gap", 1.6, gap=2),
    _words("brokers", "=bridging connector", 1.2),
    _words("brokers", "bridge", 0.8),
    _cue("brokers", "control|pass|go|flow through", 0.8, gap=3),
    _cue("brokers", "control flow|information", 1.0, gap=2),
    _words("brokers", "bottleneck", 0.8),
    # ---------------------------------------------------------------- collectors
    _cue("collectors", "@SEND by|from @MANY", 1.6, gap=3),
    _cue("collectors", "@RECEIVE @MANY", 1.5, gap=6),
    _cue("collectors", "@MANY @SENDER|sender|source|payer|customer|account", 0.6, gap=2),
    _cue("collectors", "fan in", 1.6, gap=0),
    _cue("collectors", "@MANY @RECEIVE|receive", 1.1, gap=4),
    _cue("collectors", "from @MANY", 0.8, gap=1),
    _words("collectors", "collector recipient receiver beneficiary payee sink aggregator", 1.0),
    _words("collectors", "collect gather accumulate aggregate pool funnel consolidate absorb", 1.0),
    _cue("collectors", "most|many|large|high|big|lot incoming|inbound|inflow|=inflows", 1.5, gap=1),
    _words("collectors", "incoming inbound inflow", 1.0),
    _words("collectors", "receive", 0.7),
    # ---------------------------------------------------------------- distributors
    _cue("distributors", "@SEND @MANY", 1.5, gap=5),
    _cue("distributors", "fan|spread out", 1.6, gap=0),
    _cue("distributors", "number|many|distinct|different @SEND", 1.3, gap=4),
    _cue("distributors", "pay out", 1.2, gap=0),
    _cue("distributors", "to @MANY", 0.8, gap=1),
    _words("distributors", "distributor sender payer disburser disperser payout", 1.0),
    _words("distributors", "distribute disperse disburse scatter broadcast smurf smurfing", 1.2),
    _cue(
        "distributors",
        "most|many|large|high|big|lot outgoing|outbound|outflow|=outflows",
        1.5,
        gap=1,
    ),
    _words("distributors", "outgoing outbound outflow", 1.0),
    _words("distributors", "send", 0.7),
    # ---------------------------------------------------------------- cycles
    _words(
        "cycles",
        "cycle cyclic cyclical loop circular carousel roundtrip boomerang",
        1.5,
        method="short_cycles",
    ),
    _cue("cycles", "round trip|tripping|trips", 1.6, gap=0, method="short_cycles"),
    _cue("cycles", "wash trade|trading", 1.5, gap=0, method="short_cycles"),
    _cue(
        "cycles",
        "come|go|flow|return|end|cycle|make|send|loop|move|find|pay|wire|transfer back",
        1.5,
        gap=3,
        method="short_cycles",
    ),
    _cue("cycles", "back to origin|originator|sender|source|start|beginning|where", 1.5, gap=2),
    _cue("cycles", "back and forth", 1.2, gap=0),
    _cue("cycles", "start|begin end|finish same|where", 2.0, gap=4),
    _cue("cycles", "make|go|move|run|come|travel circle|loop|round", 1.6, gap=2),
    _cue("cycles", "@FLOW|go|move|run|around|round in|around|round circle", 1.6, gap=3),
    _cue(
        "cycles",
        "return|flow|go|come|end to|at origin|originator|originating|sender|source|start|initial",
        1.5,
        gap=2,
    ),
    _cue("cycles", "return to", 0.8, gap=1),
    _words("cycles", "reciprocal layering", 0.8),
    _words("cycles", "ring", 0.6),
    # ---------------------------------------------------------------- shared identifiers
    _cue("shared_identifiers", "@SHARE @IDENT", 2.0, gap=4, method="shared_identifiers"),
    _cue("shared_identifiers", "@IDENT share|reuse", 2.0, gap=3, method="shared_identifiers"),
    _cue("shared_identifiers", "@IDENT in common", 2.0, gap=1, method="shared_identifiers"),
    _cue("shared_identifiers", "link|connect|tie|tied|linked through|via|by @IDENT", 1.8, gap=3),
    _cue("shared_identifiers", "synthetic identity", 1.5, gap=0),
    _cue("shared_identifiers", "one|single|same @IDENT", 1.5, gap=1),
    _cue(
        "shared_identifiers",
        "@IDENT use|share|link|connect|tie|associate|register|attach @MANY",
        1.5,
        gap=3,
    ),
    _cue("shared_identifiers", "multi account|accounting", 1.2, gap=0),
    _cue("shared_identifiers", "fraud|mule|collusion|organised|organized ring", 0.8, gap=1),
    _words("shared_identifiers", "ring", 0.6),
    _words("shared_identifiers", "@IDENT", 0.4),
    # ---------------------------------------------------------------- dependencies
    _cue("dependencies", "single|one point failure", 2.5, gap=2, method="sole_dependency"),
    _cue("dependencies", "point of failure", 2.0, gap=0, method="sole_dependency"),
    _cue(
        "dependencies",
        "sole|single|only|one|unique|exclusive @PROVIDER",
        2.0,
        gap=2,
        method="sole_dependency",
    ),
    _cue("dependencies", "single|sole source|sourced", 2.0, gap=1, method="sole_dependency"),
    _words("dependencies", "sole", 1.0, method="sole_dependency"),
    _words("dependencies", "depend dependency dependent dependence rely reliance reliant", 1.2),
    _cue(
        "dependencies",
        "what|which break|fail|stop|stall|affect|impact|halt|suffer|hit if|when",
        1.8,
        gap=4,
        method="removal_impact",
    ),
    _cue("dependencies", "if|when|without @FAILVERB", 0.9, gap=4, method="removal_impact"),
    _words("dependencies", "fail failure outage disrupt disruption shortage", 0.8),
    _cue("dependencies", "critical|essential|key|vital|crucial|strategic @DEPNOUN", 1.4, gap=1),
    _cue("dependencies", "critical|essential|key|vital|crucial|strategic @PROVIDER", 1.2, gap=1),
    _cue("dependencies", "concentration risk", 1.4, gap=0),
    _cue(
        "dependencies",
        "no|without|lack|lacking backup|alternative|second|other|redundant|spare @PROVIDER",
        1.8,
        gap=2,
    ),
    _cue(
        "dependencies", "no|without|lack|lacking backup|alternative|redundancy|fallback", 1.2, gap=1
    ),
    _cue("dependencies", "@PROVIDER risk|exposure|dependency", 1.4, gap=1),
    _cue("dependencies", "risk|exposure|exposed|vulnerable to|on @PROVIDER", 1.4, gap=2),
    _words(
        "dependencies",
        "risk exposure exposed vulnerable vulnerability fragile resilience resilient "
        "redundancy redundant backup",
        0.8,
    ),
    _words("dependencies", "cascade knock ripple downstream upstream", 0.8),
    _words("dependencies", "@PROVIDER", 0.3),
    # ---------------------------------------------------------------- similarity
    _words(
        "similarity",
        "similar similarity alike lookalike resemble resemblance analogous akin twin kindred "
        "similarly",
        1.5,
    ),
    _words("similarity", "comparable", 1.0),
    _words("similarity", "equivalent", 0.8),
    _cue("similarity", "look|behave|act like|alike each|one|other|another", 1.5, gap=1),
    _cue("similarity", "look|behave|act|buy|shop alike|similarly|same", 1.4, gap=1),
    _cue("similarity", "behave|act|buy|shop like", 1.4, gap=1),
    _cue(
        "similarity",
        "near|nearly|almost|practically|virtually|essentially identical|same|alike|equal",
        1.6,
        gap=1,
    ),
    _words("similarity", "interchangeable substitutable swappable replaceable", 1.5),
    _words("similarity", "identical", 0.8),
    _cue(
        "similarity",
        "same|identical|similar|common|shared peer|neighbour|neighbor|contact|friend|connection|"
        "law|profile|pattern|customer|supplier|colleague|partner|reference|citation|item|product|"
        "interest|tag|keyword|event|follower",
        1.4,
        gap=2,
    ),
    _cue("similarity", "most like", 1.0, gap=0),
    _words("similarity", "jaccard", 1.5, method="jaccard"),
    _words("similarity", "cosine", 1.5, method="cosine"),
    _words("similarity", "overlap", 1.0, method="overlap"),
    _cue(
        "similarity",
        "share|same neighbour|neighbor|connection|friend|contact|supplier|customer",
        1.5,
        gap=3,
        method="jaccard",
    ),
    _cue("similarity", "in common", 0.8, gap=0),
    _cue("similarity", "most|much|lot|more in common", 1.6, gap=1),
    _words("similarity", "duplicate dedupe deduplicate substitute replacement", 0.6),
    # ---------------------------------------------------------------- link prediction
    _cue("link_prediction", "link prediction", 2.5, gap=0),
    _cue(
        "link_prediction",
        "predict|forecast|anticipate|expect|likely|probable|future|next|potential|missing|"
        "recommend|suggest|should|will @LINKNOUN|connect|introduce|meet|befriend",
        2.0,
        gap=3,
    ),
    _cue(
        "link_prediction",
        "@LINKNOUN likely|appear|emerge|develop|next|soon",
        1.6,
        gap=3,
    ),
    _cue("link_prediction", "not yet @LINKNOUN|connect|linked|connected", 1.5, gap=1),
    _cue("link_prediction", "may|might know", 1.2, gap=1),
    _cue("link_prediction", "likely|probably|expected next|soon|future|later", 1.6, gap=6),
    _cue("link_prediction", "likely|probably|should|will each|one other|another", 1.4, gap=5),
    _words("link_prediction", "likely", 0.8),
    _words("link_prediction", "predict prediction", 0.8),
    _words("link_prediction", "probably", 0.6),
    _cue(
        "link_prediction",
        "never|not|yet meet|met|connect|link|know|attend|attended|visit|visited",
        0.9,
        gap=2,
    ),
    _cue(
        "link_prediction",
        "common neighbour|neighbor|neighbours",
        1.2,
        gap=0,
        method="common_neighbors",
    ),
    _words("link_prediction", "adamic adar", 1.5, method="adamic_adar"),
    _cue(
        "link_prediction", "preferential attachment", 2.0, gap=0, method="preferential_attachment"
    ),
    _words("link_prediction", "introduce introduction matchmaking", 0.8),
    # ---------------------------------------------------------------- paths
    _words("paths", "path route journey itinerary", 1.5, method="shortest_path"),
    _cue(
        "paths",
        "alternative|alternate|backup|other|next|second @ROUTE|option|one",
        1.6,
        gap=2,
        method="k_shortest_paths",
    ),
    _cue(
        "paths",
        "all short|shortest path|route|paths|routes",
        2.0,
        gap=2,
        method="all_shortest_paths",
    ),
    _cue("paths", "next best|shortest", 1.7, gap=0, method="k_shortest_paths"),
    _cue("paths", "how far|close|near", 1.5, gap=0, method="single_source_distances"),
    _cue("paths", "how @MOVE|reach from|to|between", 1.2, gap=3),
    _cue("paths", "@MOVE from", 1.0, gap=3),
    _cue("paths", "@MOVE from to", 1.6, gap=4),
    _cue("paths", "degree of separation", 2.0, gap=1),
    _cue("paths", "within # @HOPUNIT", 1.6, gap=1, method="reachability"),
    _cue("paths", "# @HOPUNIT away|from|of", 1.2, gap=1, method="reachability"),
    _words("paths", "reachable reachability", 1.5, method="reachability"),
    _cue("paths", "can|could reach", 1.0, gap=3, method="reachability"),
    _words("paths", "=nearest =closest =nearby", 1.2, method="k_nearest"),
    _words("paths", "near", 0.6, method="k_nearest"),
    _cue(
        "paths",
        "shortest|quickest|fastest|cheapest chain|path|route|way|connection|sequence|link|trip",
        1.6,
        gap=2,
        method="shortest_path",
    ),
    _cue("paths", "@DISTUNIT separate|apart|away|between", 1.5, gap=2),
    _cue(
        "paths",
        "minimum|minimal|least|cheapest|smallest total length|cost|track|cable|wire|road|line",
        2.0,
        gap=2,
        method="minimum_spanning_tree",
    ),
    _words("paths", "distance", 1.2, method="single_source_distances"),
    _words("paths", "hop", 0.8),
    _words("paths", "eccentricity", 1.5, method="eccentricity"),
    _words("paths", "diameter", 1.5, method="diameter"),
    _cue("paths", "longest short", 1.5, gap=1, method="diameter"),
    _cue("paths", "spanning tree|forest", 2.0, gap=1, method="minimum_spanning_tree"),
    _words("paths", "steiner", 2.0, method="steiner_tree"),
    _words("paths", "shortest cheapest fastest quickest", 0.7),
    _cue("paths", "how connect|linked|related to", 1.4, gap=4),
    # ---------------------------------------------------------------- connectivity
    _cue("connectivity", "weakly connect|connected component", 2.2, gap=1, method="wcc"),
    _cue("connectivity", "strongly connect|connected component", 2.2, gap=1, method="scc"),
    _words("connectivity", "component", 1.5, method="wcc"),
    _cue(
        "connectivity",
        "separate|disconnected|isolated|unconnected|detached @GROUP|piece|part|component|island",
        1.6,
        gap=1,
        method="wcc",
    ),
    _cue(
        "connectivity",
        "closure|close|removal|remove|shut|loss|lose|fail|failure|down|offline "
        "disconnect|split|cut|partition|fragment|isolate|strand",
        1.8,
        gap=4,
        method="articulation_points",
    ),
    _cue(
        "connectivity",
        "partition|split|cut|divide|fragment|disconnect the|this|our network|graph|system|grid",
        1.6,
        gap=1,
        method="articulation_points",
    ),
    _cue(
        "connectivity",
        "cut|split|isolated|separate|disconnected|detached|hold|holding|keep|tie|tying "
        "from|of|off|to rest",
        1.6,
        gap=3,
    ),
    _cue(
        "connectivity",
        "only|sole|single|last link|edge|road|track|line|cable|tie|connection",
        1.8,
        gap=1,
        method="bridges",
    ),
    _cue(
        "connectivity",
        "articulation|cut point|vertex|vertices|node|station",
        2.0,
        gap=1,
        method="articulation_points",
    ),
    _cue(
        "connectivity",
        "cut|split|break|divide the|this|our network|graph|system|grid|map "
        "in|into two|half|piece|part",
        2.0,
        gap=4,
        method="articulation_points",
    ),
    _cue("connectivity", "in|into two|half|piece|part", 1.0, gap=1),
    _cue("connectivity", "fall|come|break apart", 1.5, gap=1),
    _cue("connectivity", "hold|stick|hang together", 1.0, gap=1),
    _cue("connectivity", "one piece", 1.5, gap=1, method="is_connected"),
    _cue("connectivity", "every|all|any|each pair", 1.4, gap=2, method="is_connected"),
    _cue(
        "connectivity",
        "reach|travel|get|go every|all|anywhere|everywhere|any",
        1.0,
        gap=3,
        method="is_connected",
    ),
    _cue("connectivity", "split|cut off|away", 1.4, gap=1, method="removal_impact"),
    _cue(
        "connectivity",
        "bridge edge|link|connection|road|track|line|cable",
        1.6,
        gap=1,
        method="bridges",
    ),
    _cue(
        "connectivity",
        "edge|link|connection|road|track|line|cable|street bridge",
        1.6,
        gap=2,
        method="bridges",
    ),
    _words(
        "connectivity",
        "disconnect disconnected isolate isolated island fragment fragmented fragmentation "
        "unreachable",
        1.3,
        method="wcc",
    ),
    _words("connectivity", "connectivity =connected", 1.0, method="is_connected"),
    _words("connectivity", "connect", 0.6, method="is_connected"),
    _cue(
        "connectivity",
        "every|all|each|everybody|everyone|everything|anyone reachable|reach|connected|linked",
        1.6,
        gap=3,
        method="is_connected",
    ),
    _cue(
        "connectivity",
        "reachable|reach|get|travel|go from|to every|all|any|anywhere|everywhere",
        1.7,
        gap=2,
        method="is_connected",
    ),
    _words("connectivity", "cut split sever", 0.7),
    _words("connectivity", "robust robustness", 0.6),
    _words("connectivity", "=bridges", 1.0, method="bridges"),
    _cue("connectivity", "no|without|lose|lost way|route|path|connection|access", 1.4, gap=1),
    # ---------------------------------------------------------------- cohesion
    _words("cohesion", "cohesion cohesive cohesiveness solidarity knit", 1.5),
    _cue(
        "cohesion",
        "tight|tightly|close|closely|densely|strongly knit|connected|linked|interconnected",
        1.6,
        gap=1,
    ),
    _words("cohesion", "dense density densely interconnected embeddedness embedded", 1.2),
    _words("cohesion", "interwoven intertwined entangled interlinked tangled", 1.2),
    _cue("cohesion", "dense|densest|inner|hard|tight core", 2.0, gap=1, method="kcore"),
    _cue("cohesion", "k core|cores", 2.0, gap=0, method="kcore"),
    _words("cohesion", "kcore coreness degeneracy", 1.5, method="kcore"),
    _words("cohesion", "core", 0.6, method="kcore"),
    _words("cohesion", "triangle", 1.2, method="triangles"),
    _cue("cohesion", "clustering coefficient", 2.2, gap=1, method="clustering"),
    _words("cohesion", "transitivity transitive =clustered", 1.2, method="clustering"),
    _cue("cohesion", "friend of friend", 1.2, gap=1, method="clustering"),
    _cue("cohesion", "everyone|everybody know|connect", 1.5, gap=2, method="clustering"),
    _cue("cohesion", "inner circle", 1.6, gap=0, method="kcore"),
    _words("cohesion", "clique", 0.6),
    # ---------------------------------------------------------------- change
    _words("change", "change evolve evolution trend shift drift timeline temporal dynamics", 1.3),
    _words("change", "grow growth shrink decline emerge emerging appear disappear", 0.7),
    _cue("change", "over time", 1.6, gap=0),
    _cue("change", "since last|previous|earlier", 1.5, gap=1),
    _cue(
        "change",
        "compare|compared|comparison|versus|vs last|previous|earlier|before|prior",
        1.5,
        gap=3,
    ),
    _cue(
        "change",
        "last|previous|prior|earlier run|month|week|quarter|year|snapshot|time|period",
        1.0,
        gap=1,
    ),
    _cue("change", "month|year|week|quarter|day over|on month|year|week|quarter|day", 1.5, gap=0),
    _cue("change", "before and after", 1.2, gap=0),
    _words("change", "new", 0.3),
    # ---------------------------------------------------------------- colouring
    _words(
        "colouring", "colour color colouring coloring chromatic", 1.5, method="greedy_colouring"
    ),
    _words(
        "colouring",
        "schedule scheduling timetable timetabling slot timeslot",
        1.2,
        method="greedy_colouring",
    ),
    _words("colouring", "conflict clash", 1.0, method="greedy_colouring"),
    _cue(
        "colouring",
        "without|no|avoid|free conflict|clash|overlap",
        1.5,
        gap=2,
        method="greedy_colouring",
    ),
    _cue("colouring", "at the same time", 1.2, gap=0),
    _cue(
        "colouring",
        "no|never|not|cannot|mustn same "
        "wave|slot|session|week|batch|round|shift|day|time|room|group|period|class|team",
        1.8,
        gap=7,
        method="greedy_colouring",
    ),
    _cue(
        "colouring",
        "few|fewest|minimum|smallest|least|how number|many "
        "wave|session|week|slot|batch|round|shift|colour|color|day|period|frequency|channel|room|"
        "label",
        1.6,
        gap=3,
        method="greedy_colouring",
    ),
    _cue("colouring", "independent set", 2.0, gap=0, method="maximal_independent_set"),
    _cue("colouring", "no two", 1.0, gap=0),
    _cue(
        "colouring",
        "neighbour|neighbor|neighbouring|adjacent|connected|linked never|not|cannot|mustn "
        "share|same|overlap|clash",
        1.8,
        gap=4,
        method="greedy_colouring",
    ),
    _cue(
        "colouring",
        "no|none two|pair together|adjacent|connected|linked|neighbour|neighbor|neighbouring",
        1.8,
        gap=6,
        method="maximal_independent_set",
    ),
    _cue("colouring", "non adjacent", 1.5, gap=0, method="maximal_independent_set"),
    _cue("colouring", "mutually exclusive", 1.0, gap=0),
    _words("colouring", "compatible frequency channel", 0.4),
)
"""Every cue, in no particular order (the reader sorts by length, then weight)."""

INTENT_PRIORITY: tuple[QuestionIntent, ...] = (
    "shared_identifiers",
    "cycles",
    "collectors",
    "distributors",
    "dependencies",
    "link_prediction",
    "similarity",
    "colouring",
    "paths",
    "change",
    "brokers",
    "cohesion",
    "connectivity",
    "communities",
    "importance",
)
"""Tie-break between equally scored intents: the more specific first."""

LEXICON_WORDS: frozenset[str] = frozenset(
    word for cue in CUES for element in cue.elements for word in element if word != "#"
)
"""Every word a cue uses: such a word, even capitalised ("PageRank"), is not read as a name."""
