"""Cues for who matters and how entities group, broker, collect, send, loop and share."""

from __future__ import annotations

from gaai_graph.questions.cue import Cue, cue, words

__all__ = ["ACTOR_CUES"]

ACTOR_CUES: tuple[Cue, ...] = (
    # ---------------------------------------------------------------- importance
    words(
        "importance",
        "important importance influential influence influencer prominent powerful prestige "
        "prestigious pivotal dominant central centrality authority authoritative",
        1.0,
    ),
    words("importance", "leader leadership lead chief boss head power dominate clout sway", 1.0),
    words(
        "importance",
        "ringleader kingpin linchpin lynchpin mastermind figurehead protagonist heroine mainstay "
        "vip bigwig",
        1.0,
    ),
    cue("importance", "run|steal|call|pull|rule the show|shot|string|tune|roost", 1.5, gap=1),
    cue("importance", "crown jewel", 1.4, gap=0),
    cue("importance", "go to @ACTOR|person|guy|people|expert|one", 1.3, gap=0),
    cue("importance", "word of mouth", 1.4, gap=0),
    cue("importance", "spread|carry word|news|message", 1.0, gap=1),
    cue("importance", "best|ideal|right target|seed|ambassador", 0.8, gap=1),
    words("importance", "campaign ambassador advocate", 0.5),
    # "if we could only call five people": a budget of a few entities asks for the top ones
    cue("importance", "only|just @SELECT|#", 0.6, gap=1),
    cue("importance", "only|just #", 1.2, gap=2),
    cue("importance", "who lead|matter|dominate|count|run|rule", 1.6, gap=1),
    cue("importance", "which|whose matter|rule|dominate", 1.3, gap=2),
    cue("importance", "social butterfly|animal|magnet", 1.5, gap=0),
    cue("importance", "big|main|major|key|important =one|=ones", 1.2, gap=0),
    words("importance", "=busiest", 1.0),
    cue(
        "importance", "carry|hold|have|wield most|more|much weight|sway|clout|say|power", 1.5, gap=2
    ),
    cue(
        "importance",
        "key|main|top|big|star|major|heavy @ACTOR|hitter|gun|shot|wheel|cheese|fish|dog|banana",
        1.4,
        gap=1,
    ),
    cue("importance", "carry|spread|reach|travel furthest|farthest|widest|far|wide", 1.3, gap=1),
    cue("importance", "matter|count most|more", 1.5, gap=1),
    # Leader words that ask nothing: the one asking ("the marketing head asked", "our chief
    # of staff wants to know") and a leader set aside ("setting aside who leads them"). These
    # cues weigh nothing; they use up the words so the single leader words do not vote.
    cue(
        "importance",
        "the|our|my|your|a|his|her head|chief|lead|boss|director|manager|ceo|president "
        "ask|want|need|request|say|wonder|expect",
        0.0,
        gap=2,
    ),
    cue(
        "importance",
        "aside|ignore|ignoring|regardless|disregard|mind|care who|whoever "
        "lead|head|run|rule|dominate|matter",
        0.0,
        gap=1,
    ),
    words("importance", "matter", 0.9),
    cue(
        "importance",
        "most|best|well|highly|better connect|connected|linked",
        1.5,
        gap=1,
        method="degree",
    ),
    cue(
        "importance",
        "most|highly|widely followed|cited|referenced|mentioned|visited|used|popular|linked",
        1.3,
        gap=1,
    ),
    # a hub is the highly connected vertex itself: "the hub products the catalogue depends on"
    # asks for hubs, the dependency being what makes them hubs
    words("importance", "hub", 1.3, method="degree"),
    words("importance", "popular popularity", 1.0),
    words("importance", "celebrity heavyweight valuable vip", 1.0),
    cue("importance", "heart|centre|center|nucleus of", 1.4, gap=0),
    cue("importance", "at|in their|its|the centre|center|heart", 1.4, gap=0),
    cue("importance", "in charge|command|control", 1.3, gap=0),
    cue("importance", "star of|among|in", 1.1, gap=1),
    cue(
        "importance",
        "handle|see|carry|serve|move|process|shift|push most|more|much|lot traffic|passenger|"
        "visitor|volume|business|money|value|cash|fund",
        1.4,
        gap=2,
    ),
    cue(
        "importance",
        "budget|afford|resource|capacity|room|time for|to few|handful|#|couple",
        1.2,
        gap=2,
    ),
    words("importance", "key critical vital crucial essential significant", 0.5),
    cue(
        "importance",
        "most|more|highly|very|best|well key|critical|vital|crucial|essential|significant|"
        "relevant|notable|famous|known|senior|strategic|valuable",
        1.3,
        gap=1,
    ),
    words(
        "importance",
        "pillar cornerstone backbone anchor elite prioritise prioritize standing stature "
        "reputation focal indispensable irreplaceable",
        1.0,
    ),
    cue("importance", "sought after", 1.4, gap=0),
    cue(
        "importance",
        "most|more|much|greatest|maximum visibility|coverage|leverage|impact|exposure",
        1.6,
        gap=1,
    ),
    cue(
        "importance",
        "crowd|fan|customer|audience|public|popular favourite|favorite|pleaser|puller",
        1.4,
        gap=1,
    ),
    words("importance", "favourite favorite", 0.8),
    words("importance", "bestseller blockbuster", 1.0),
    cue(
        "importance",
        "big|large|main|major|key|central|leading|important|lead role|part|say|presence",
        1.4,
        gap=1,
    ),
    cue("importance", "in|high demand", 1.2, gap=0),
    cue(
        "importance",
        "large|largest|big|biggest|wide|widest circle|network|following|audience "
        "friend|contact|acquaintance|follower|connection",
        1.5,
        gap=2,
    ),
    cue("importance", "mover and shaker", 1.5, gap=0),
    cue("importance", "@SELECT|talk|speak|focus|start|approach|come first", 1.1, gap=2),
    # "look at before any others", "before all the rest": what is taken ahead of the rest
    cue("importance", "before|ahead any|all|everyone|everybody|others|rest|else", 1.2, gap=1),
    # "whose loss would hurt us the most", "which would we miss most": what matters by its
    # absence
    cue("importance", "hurt|harm|damage|miss|cost most|more|hardest", 1.3, gap=2),
    cue("importance", "lean on most|more", 1.4, gap=1),
    cue("importance", "look up to", 1.5, gap=0),
    # "most worth keeping", "worth the most to us", "worth watching": what is worth most
    cue("importance", "most|more worth", 1.4, gap=0),
    cue("importance", "worth most|more|watching|keeping|protecting|monitoring", 1.4, gap=1),
    cue("importance", "least do|manage|cope|live without", 1.5, gap=1),
    cue(
        "importance",
        "deserve|merit|need|warrant most|more attention|focus|care|priority",
        1.4,
        gap=1,
    ),
    cue("importance", "notice|feel missing|absence|loss|gone", 1.3, gap=2),
    cue("importance", "ear of", 1.2, gap=0),
    cue("importance", "carry book|story|show|team|club|novel|film|play", 1.3, gap=1),
    cue("importance", "middle|centre|center|heart of everything|it|everyone|everybody", 1.5, gap=1),
    cue("importance", "keep|protect|save|hold|retain|defend at all cost", 1.5, gap=2),
    # "which character is the story really about": the one a story is about is its centre
    cue("importance", "story|book|novel|plot|film|play|tale about|around", 1.3, gap=2),
    cue("importance", "greatest|widest|most reach", 1.2, gap=1),
    words("importance", "rank ranking player star", 0.5),
    words("importance", "top", 1.0),
    cue("importance", "best|top sell|seller|selling", 1.5, gap=1),
    cue(
        "importance",
        "big|large|busy|main|major|principal|chief|leading|foremost|premier|primary|strong|"
        "dominant|prime @ACTOR|hub|interchange|centre|center|airport",
        1.2,
        gap=1,
        method="degree",
    ),
    cue(
        "importance",
        "most|more active|engaged|involved|social|socially|prolific|sociable|visible",
        1.3,
        gap=1,
    ),
    cue("importance", "everybody|everyone|all go|turn|come|look to", 1.4, gap=2),
    # "the doctors everyone else depends on": what all the others rely on is who matters
    cue("importance", "everybody|everyone|others depend|rely|count|lean on", 1.6, gap=2),
    cue("importance", "whole|entire|everybody|everyone|others|all lean|count on", 1.6, gap=3),
    cue("importance", "who hold|keep|bind|glue together", 1.5, gap=3),
    cue("importance", "keep|hold alive|running|going|afloat", 1.3, gap=3),
    cue("importance", "remember|recall|notice|recognise|recognize most|best", 1.3, gap=1),
    cue(
        "importance",
        "want|need|win|bring|choose|pick|recruit as|on ally|partner|champion|side",
        1.3,
        gap=2,
    ),
    # "talks to everyone", "the one everyone interacts with": in touch with all is central
    cue(
        "importance", "talk|interact|deal|connect|link|know to|with everyone|everybody", 1.5, gap=1
    ),
    cue("importance", "everyone|everybody interact|talk|deal|work with", 1.5, gap=2),
    cue("importance", "touch|affect|involve|concern most|more other|others|people", 1.4, gap=1),
    cue("importance", "number one|1", 1.4, gap=0),
    cue(
        "importance",
        "juicy|juiciest|attractive|tempting|obvious|prime|valuable|priority target",
        1.4,
        gap=1,
    ),
    cue("importance", "most|more|much activity|engagement|revenue|sales|volume", 1.3, gap=1),
    cue("importance", "revolve|center|centre|hinge|turn around|on", 1.5, gap=1),
    cue("importance", "spend|talk|call|message|interact|communicate most|more", 1.2, gap=3),
    cue("importance", "use|have|own|hold|with most", 1.0, gap=2),
    cue(
        "importance",
        "personalised|personalized|personal pagerank",
        2.0,
        method="personalized_pagerank",
    ),
    words("importance", "pagerank", 1.5, method="pagerank"),
    words("importance", "articlerank", 1.5, method="articlerank"),
    cue("importance", "eigenvector centrality|score", 1.6, gap=1, method="eigenvector"),
    words("importance", "eigenvector", 1.5, method="eigenvector"),
    cue("importance", "hub|authority score", 1.6, gap=1, method="hits"),
    words("importance", "hits", 0.8, method="hits"),
    words("importance", "closeness", 1.5, method="closeness"),
    words("importance", "harmonic", 1.5, method="harmonic"),
    cue("importance", "harmonic closeness|centrality", 2.0, gap=0, method="harmonic"),
    cue("importance", "in|incoming indegree|degree", 1.2, gap=1, method="in_degree"),
    cue("importance", "out|outgoing outdegree|degree", 1.2, gap=1, method="out_degree"),
    words("importance", "indegree", 1.2, method="in_degree"),
    words("importance", "outdegree", 1.2, method="out_degree"),
    cue("importance", "weighted degree", 1.5, gap=1, method="strength"),
    words("importance", "degree", 1.0, method="degree"),
    cue(
        "importance",
        "most|many connection|neighbour|neighbor|link|contact|friend|@EDGE",
        1.2,
        gap=2,
        method="degree",
    ),
    # ---------------------------------------------------------------- communities
    words(
        "communities",
        "community faction cluster camp cohort tribe bloc alliance coalition subgroup "
        "subcommunity grouping segment segmentation clan",
        1.2,
    ),
    words("communities", "group circle partition gang", 1.0),
    words("communities", "clique", 1.0),
    cue("communities", "into|in which|what|how|many @GROUP", 1.6, gap=2),
    words("communities", "team silo ensemble", 1.0),
    words("communities", "crowd side module party", 0.5),
    cue("communities", "make|form|create|build|find group", 1.2, gap=2),
    cue("communities", "same @GROUP|bucket|category|class|camp", 1.3, gap=1),
    cue(
        "communities",
        "split|divide|partition|break|carve|organise|organize|sort|cluster|group|fall|segment "
        "into @GROUP|@AREA",
        2.0,
        gap=5,
    ),
    words("communities", "louvain", 1.5, method="louvain"),
    words("communities", "leiden", 1.5, method="leiden"),
    cue("communities", "label propagation", 2.0, gap=0, method="label_propagation"),
    words("communities", "modularity", 1.2, method="modularity"),
    words("communities", "conductance", 1.2, method="conductance"),
    cue(
        "communities",
        "belong|stick|hang|cluster|clump|go|used|bought|appear|work together",
        1.6,
        gap=1,
    ),
    cue(
        "communities",
        "split|divide|fall|break|sort|separate|partition|organise|organize|cluster|group into",
        1.2,
        gap=2,
    ),
    cue("communities", "who with whom", 1.2, gap=4),
    cue("communities", "group|cluster|partition|bucket by", 1.8, gap=3),
    # "for each part of the network, which ...": the parts are the graph's groups
    cue(
        "communities",
        "each|every part|section|piece|corner|portion of network|graph|map|system",
        1.2,
        gap=1,
    ),
    # "which groups they make between them": the groups among themselves, not brokers
    cue("communities", "@GROUP between|among them|themselves", 1.4, gap=0),
    cue(
        "communities",
        "club|organisation|organization|company|party|movement|community|society|family|class|"
        "team|group|faction|cast split|divide|splinter|fracture",
        1.4,
        gap=1,
    ),
    # ---------------------------------------------------------------- brokers
    words(
        "brokers",
        "broker brokerage gatekeeper intermediary middleman middlemen liaison conduit",
        1.5,
        method="betweenness",
    ),
    cue("brokers", "go between|betweens", 1.5, gap=0, method="betweenness"),
    cue("brokers", "structural hole", 1.5, gap=0, method="betweenness"),
    cue("brokers", "boundary spanner", 1.5, gap=0, method="betweenness"),
    words("brokers", "betweenness", 1.2, method="betweenness"),
    cue("brokers", "lie|sit|be on many|most short path|route", 1.2, gap=2, method="betweenness"),
    cue("brokers", "@CONNECTVERB @GROUP|@AREA", 1.6, gap=4),
    cue("brokers", "who|which|@ACTOR bridge|bridging", 1.5, gap=2),
    cue("brokers", "between|across @GROUP|@AREA", 1.2, gap=4),
    words("brokers", "glue", 1.0),
    cue(
        "brokers",
        "from|across|between|span|spanning|reach different|separate|several|multiple|other "
        "@GROUP|@AREA",
        1.6,
        gap=1,
    ),
    cue(
        "brokers",
        "otherwise separate|disconnected|unconnected|never|not|apart|distinct|unrelated",
        1.7,
        gap=3,
    ),
    cue("brokers", "from one|a @GROUP|@AREA to another|other", 1.4, gap=2),
    cue("brokers", "link|connector|bridge|connection|intermediary|middle between", 1.6, gap=0),
    cue(
        "brokers",
        "keep|hold|tie|bring|get two|both|@GROUP|side|@AREA "
        "talk|talking|together|touch|connect|connected|speak|speaking|communicate",
        1.7,
        gap=3,
    ),
    cue(
        "brokers",
        "most|many|all|every|much path|route|journey|trip|traffic|flow|message|call|transfer|"
        "passenger|patient|money|referral|information pass|go|run|flow|travel|route through|via",
        1.8,
        gap=2,
        method="betweenness",
    ),
    words("brokers", "middle", 0.6),
    cue(
        "brokers", "transfer|interchange|junction|crossing|connecting point|station|hub", 1.2, gap=0
    ),
    cue(
        "brokers",
        # plural: "on the shortest journeys" is betweenness, "on the shortest trip" one route
        "lie|sit|be|pass on|along|through short|shortest =paths|=routes|=journeys|=trips|=ways",
        1.6,
        gap=4,
        method="betweenness",
    ),
    cue(
        "brokers",
        "through route|routes|path|paths|traffic|journey|journeys|station|stop|point",
        1.6,
        gap=0,
        method="betweenness",
    ),
    cue("brokers", "bridge|bridging between|across|gap", 1.6, gap=2),
    # "the clusters, and which accounts sit between them": the groups of the clause before
    cue("brokers", "@CONNECTVERB|between|across them|both|those", 1.2, gap=1),
    # "hop between subnets": moving between kinds of area (not named places) crosses them
    cue("brokers", "hop|jump|pivot|cross|move between|across @AREA|@GROUP", 1.8, gap=1),
    words("brokers", "=bridging connector", 1.2),
    words("brokers", "bridge", 0.8),
    cue("brokers", "control|pass|go|flow through", 0.8, gap=3),
    cue("brokers", "control flow|information", 1.0, gap=2),
    words("brokers", "bottleneck", 0.8),
    # ---------------------------------------------------------------- collectors
    cue("collectors", "@SEND by|from @MANY", 1.6, gap=3),
    cue("collectors", "@RECEIVE @MANY", 1.5, gap=6),
    cue("collectors", "@MANY @SENDER|sender|source|payer|customer|account", 0.6, gap=2),
    cue("collectors", "fan in", 1.6, gap=0),
    # verb frames: what comes *in from* many others is collected
    cue("collectors", "in from @MANY", 1.6, gap=2),
    cue("collectors", "from all|every over|direction|side|corner|quarter", 1.6, gap=0),
    cue("collectors", "from everywhere|anywhere", 1.2, gap=0),
    cue("collectors", "flow|pour|funnel|drain|go|end into", 0.8, gap=2),
    cue("collectors", "count|counting|number|by @MANY @SENDER", 1.4, gap=2),
    cue(
        "collectors",
        "most|frequently|often =referred|=called|=contacted|=paid|=messaged|=emailed|=phoned|"
        "=dialled|=dialed",
        1.3,
        gap=1,
    ),
    cue(
        "collectors",
        "assemble|build|make|compose|draw|buy|order|come|arrive|flow|pour|=sourced|need|require|"
        "source|procure|obtain from @MANY",
        1.2,
        gap=3,
    ),
    cue("collectors", "@MANY @RECEIVE|receive", 1.1, gap=4),
    cue("collectors", "from @MANY", 0.8, gap=1),
    cue("collectors", "from @MANY number|count|range|set|variety|array of", 1.5, gap=1),
    words("collectors", "collector recipient receiver beneficiary payee sink aggregator", 1.0),
    words("collectors", "collect gather accumulate aggregate pool funnel consolidate absorb", 1.0),
    cue("collectors", "most|many|large|high|big|lot incoming|inbound|inflow|=inflows", 1.5, gap=1),
    words("collectors", "incoming inbound inflow", 1.0),
    words("collectors", "receive", 0.7),
    # ---------------------------------------------------------------- distributors
    cue("distributors", "@SEND @MANY", 1.5, gap=5),
    cue("distributors", "fan|spread out", 1.6, gap=2),
    # verb frames: what goes *out to* or is split *across* many others is distributed
    cue("distributors", "out to|into|across|among @MANY", 1.6, gap=2),
    cue(
        "distributors",
        "split|spread|divide|scatter|spray|fan|disperse across|among|over|between @MANY",
        1.5,
        gap=3,
    ),
    cue("distributors", "=ring|=rings|=ringing @MANY", 1.5, gap=0),
    # "supply" and "provide" are nouns as often as verbs ("supply chain"): the verb reads
    # only right before its object
    cue("distributors", "supply|provide|sell the|to @MANY", 1.5, gap=1),
    cue("distributors", "supply|provide|sell @MANY", 1.5, gap=0),
    cue("distributors", "in|to every|all direction", 1.3, gap=1),
    cue("distributors", "@SEND out", 0.8, gap=2),
    cue("distributors", "number|many|distinct|different @SEND", 1.3, gap=4),
    cue("distributors", "pay out", 1.2, gap=0),
    cue("distributors", "to @MANY", 0.8, gap=1),
    cue("distributors", "to @MANY number|count|range|set|variety|array of", 1.5, gap=1),
    words("distributors", "distributor sender payer disburser disperser payout", 1.0),
    words("distributors", "distribute disperse disburse scatter broadcast smurf smurfing", 1.2),
    cue(
        "distributors",
        "most|many|large|high|big|lot outgoing|outbound|outflow|=outflows",
        1.5,
        gap=1,
    ),
    words("distributors", "outgoing outbound outflow", 1.0),
    words("distributors", "send", 0.7),
    # ---------------------------------------------------------------- cycles
    words(
        "cycles",
        "cycle cyclic cyclical loop circular carousel roundtrip boomerang",
        1.5,
        method="short_cycles",
    ),
    cue("cycles", "round trip|tripping|trips", 1.6, gap=0, method="short_cycles"),
    cue("cycles", "wash trade|trading", 1.5, gap=0, method="short_cycles"),
    cue(
        "cycles",
        "come|go|flow|return|end|cycle|make|send|loop|move|find|pay|wire|transfer back|home",
        1.5,
        gap=3,
        method="short_cycles",
    ),
    cue("cycles", "back to origin|originator|sender|source|start|beginning|where", 1.5, gap=2),
    cue("cycles", "back and forth", 1.2, gap=0),
    cue("cycles", "back again", 1.5, gap=1),
    cue("cycles", "closed circle|loop|chain|path|walk|ring|circuit", 1.8, gap=1),
    cue("cycles", "circle|loop back", 1.5, gap=1),
    # "refer each other in circles", "a payment circle": a circle of flows is a loop, not a group
    cue(
        "cycles",
        "@SEND|=referring|=paying each|one other|another in|round|around circle|ring|loop",
        1.8,
        gap=1,
    ),
    cue("cycles", "circle|ring of @SEND|=referring|=paying each|one other|another", 1.8, gap=3),
    cue("cycles", "@FLOW|trading|trade circle|ring", 1.6, gap=0),
    cue("cycles", "close|loop|fold|turn on|back itself|themselves", 1.6, gap=1),
    cue("cycles", "leave|exit return|come", 1.2, gap=6),
    cue("cycles", "back|return|home to|at same|first|original|initial", 1.8, gap=2),
    cue("cycles", "start|begin end|finish same|where", 2.0, gap=4),
    cue("cycles", "make|go|move|run|come|travel circle|loop|round", 1.6, gap=2),
    cue(
        "cycles",
        "@FLOW|go|move|run|around|round|ship|send|pass|trade|sell|pay in|around|round circle",
        1.6,
        gap=3,
    ),
    cue(
        "cycles",
        "return|flow|go|come|end|home to|at origin|originator|originating|sender|source|start|"
        "initial|payer|owner|beginning|first|original",
        1.5,
        gap=2,
    ),
    cue("cycles", "return to", 0.8, gap=1),
    words("cycles", "reciprocal layering", 0.8),
    words("cycles", "ring", 0.6),
    # ---------------------------------------------------------------- shared identifiers
    cue("shared_identifiers", "@SHARE @IDENT", 2.0, gap=4, method="shared_identifiers"),
    cue("shared_identifiers", "@IDENT share|reuse", 2.0, gap=3, method="shared_identifiers"),
    cue("shared_identifiers", "@IDENT in common", 2.0, gap=1, method="shared_identifiers"),
    # "which devices do many customers have in common": the object of "have in common" comes
    # first in a question
    cue("shared_identifiers", "@IDENT have in common", 2.0, gap=3, method="shared_identifiers"),
    # "how many customers are behind each device", "accounts per phone": counted per identifier
    cue("shared_identifiers", "behind|per @IDENT", 1.5, gap=2, method="shared_identifiers"),
    cue(
        "shared_identifiers",
        "link|connect|tie|tied|linked|join|joined|bind|bound through|via|by @IDENT",
        1.8,
        gap=3,
    ),
    cue(
        "shared_identifiers",
        "@IDENT @MANY user|owner|customer|account|people|person|holder|client",
        1.5,
        gap=3,
    ),
    cue("shared_identifiers", "each|one other|another @IDENT", 1.5, gap=1),
    cue("shared_identifiers", "synthetic identity", 1.5, gap=0),
    cue("shared_identifiers", "one|single|same @IDENT", 1.5, gap=1),
    cue("shared_identifiers", "@IDENT across|among|between|on|in|for @MANY", 1.5, gap=4),
    cue(
        "shared_identifiers",
        "@IDENT use|share|link|connect|tie|associate|register|attach @MANY",
        1.5,
        gap=3,
    ),
    cue("shared_identifiers", "multi account|accounting", 1.2, gap=0),
    cue("shared_identifiers", "fraud|mule|collusion|organised|organized ring", 0.8, gap=1),
    # "detecting organised fraud": fraud by several parties acting together, found through
    # what they share (without identifier collections: the neighbours they share)
    cue("shared_identifiers", "organised|organized|coordinated|collusive fraud", 1.0, gap=1),
    words("shared_identifiers", "ring", 0.6),
    words("shared_identifiers", "@IDENT", 0.4),
)
