"""Cues for everyday wordings of importance, similarity and link prediction.

People rarely say "central" or "Jaccard": they ask for the big names, whom the others listen
to, who is like whom, which products are alternatives to one another, who ought to know each
other and what each customer should buy next. Kept apart from the structural cues so each
module stays one concern and under its size limit.
"""

from __future__ import annotations

from gaai_graph.questions.cue import Cue, cue, words

__all__ = ["PLAIN_CUES"]

_RECIPROCAL = "each|one other|another"
"""The two closing elements of "each other" / "one another"."""

PLAIN_CUES: tuple[Cue, ...] = (
    # ---------------------------------------------------------------- importance
    # nouns for the one that stands for the rest: "the flagship stations", "our hero products"
    words(
        "importance", "flagship headliner icon iconic legend legendary luminary mvp standout", 1.0
    ),
    words("importance", "hero artery lifeline lifeblood", 1.0),
    # "the most scenes with others": most of something shared with the others is centrality
    cue("importance", "most|more with others|everyone|everybody|rest", 1.6, gap=3, method="degree"),
    words(
        "importance",
        "trendsetter tastemaker pacesetter bellwether trailblazer whale powerhouse",
        1.0,
    ),
    cue("importance", "one|ones|name|people|player to watch|follow|beat|know", 1.3, gap=0),
    cue("importance", "set the tone|agenda|pace|trend|standard|direction", 1.5, gap=1),
    cue(
        "importance",
        "turn|look to for advice|help|guidance|support|answers|leadership",
        1.4,
        gap=2,
    ),
    cue("importance", "turn|look to first|most", 1.3, gap=1),
    cue("importance", "big|top|household|famous|great|leading|well name", 1.3, gap=1),
    cue("importance", "face of", 1.2, gap=0),
    cue("importance", "leading|guiding light", 1.3, gap=0),
    # "which members stand out" (not "what stands out in this data": no entity asked for)
    cue("importance", "who|which stand|stick out", 1.3, gap=4),
    # deference: "who do the other members listen to", "the one everybody reports to"
    cue("importance", "listen|defer|answer|report|kowtow to", 1.2, gap=0),
    cue(
        "importance",
        "most|more|widely|highly|best|well trusted|respected|admired|=liked|=loved|feared|"
        "consulted|quoted|recommended|recognised|recognized|watched|followed|listened",
        1.4,
        gap=1,
    ),
    # "the most relied upon": what the others lean on is who matters (the single-source
    # question "depends on exactly one supplier" is worded the other way round)
    cue(
        "importance",
        "most|more|heavily|widely|much rely|depend|lean|count|call on|upon",
        1.8,
        gap=1,
    ),
    cue(
        "importance",
        "attract|draw|get|grab|command|receive|hold|capture most|more|much|lot|big "
        "attention|interest|notice|spotlight|limelight",
        1.8,
        gap=2,
    ),
    words("importance", "spotlight limelight", 1.0),
    cue(
        "importance",
        "best|well|better|strategically|ideally|most placed|positioned|situated",
        1.3,
        gap=1,
    ),
    cue(
        "importance",
        "big|large|wide|broad|great|strong footprint|reach|presence|influence|following",
        1.4,
        gap=1,
    ),
    cue("importance", "sell|perform|rank|score best|most|well|highest", 1.3, gap=1),
    cue("importance", "around|round whom|who revolve|turn|centre|center|hinge|spin", 1.5, gap=4),
    cue("importance", "big|main|top|high|major|key|obvious|likely target", 1.4, gap=1),
    cue("importance", "punch above weight", 1.5, gap=2),
    cue(
        "importance",
        "senior|leading|loud|loudest|strong|dominant|key|main|big|respected|trusted voice",
        1.3,
        gap=1,
    ),
    # places and assets, whatever the graph calls them: "key stops", "the main sites"
    cue(
        "importance",
        "key|main|top|major|principal|chief|leading|primary "
        "stop|place|site|location|spot|asset|port|town|city|junction|terminal|node|venue",
        1.3,
        gap=1,
    ),
    # ---------------------------------------------------------------- similarity
    cue(
        "similarity",
        "same|identical|similar|comparable|equivalent part|job|niche|purpose|task|type|thing|way|"
        "habit|taste|behaviour|behavior|style|signature|mix|portfolio|range|makeup|structure|"
        "shape|footprint|spot",
        1.4,
        gap=2,
    ),
    cue(
        "similarity",
        f"alternative|substitute|replacement|equivalent|comparable|competitor|rival|peer|proxy "
        f"to|for|of|with {_RECIPROCAL}",
        1.8,
        gap=1,
    ),
    cue("similarity", f"compete|vie|rival with|against {_RECIPROCAL}", 1.6, gap=1),
    cue("similarity", "compete|vie for same", 1.6, gap=1),
    cue("similarity", "for same @PARTNER", 1.5, gap=1),
    words("similarity", "competitor equivalent equivalence identical", 1.0),
    words("similarity", "indistinguishable undistinguishable", 1.5),
    words("similarity", "mirror mimic imitate", 1.0),
    cue(
        "similarity",
        "close|closest|near|nearest|best peer|counterpart|equivalent|analogue|analog|lookalike|"
        "twin|double|relative",
        1.6,
        gap=1,
    ),
    # "closest to each other in what they buy": near in some respect, not in distance
    cue("similarity", "close|closest|near|nearest|closer in|by what|who|whom|term", 1.8, gap=4),
    cue("similarity", f"pass|mistake|mistaken|confuse|confused for|with {_RECIPROCAL}", 1.6, gap=1),
    cue("similarity", "mutual @PARTNER|acquaintance", 1.4, gap=1),
    words("similarity", "mutual", 1.0),
    cue("similarity", f"like|alike {_RECIPROCAL}", 1.2, gap=1),
    cue("similarity", "could|can|would|might take|fill|assume place|role|shoes|spot", 1.4, gap=2),
    # ... but "reach her through mutual contacts" is a route over them
    cue("paths", "through|via mutual|common|shared @PARTNER|acquaintance", 1.6, gap=1),
    words("similarity", "=substitutes =lookalikes =doubles", 1.0),
    # "who could take Member 1's place", "fill her shoes": a stand-in is alike
    cue("similarity", "take place of", 1.4, gap=1),
    cue("similarity", "fill|step shoes|role|place", 1.2, gap=3),
    # "functionally the same", "to all intents identical": a likeness in some respect
    cue(
        "similarity",
        "functionally|effectively|operationally|behaviourally|behaviorally|statistically|"
        "topologically|intents|purposes same|alike|identical|equivalent|interchangeable",
        1.6,
        gap=1,
    ),
    # "who is like Member 1": a likeness, never "what is it like" (a word between)
    cue("similarity", "be like", 1.0, gap=0),
    cue("similarity", "much|just|lot|more|rather like", 1.2, gap=0),
    # ---------------------------------------------------------------- link prediction
    cue("link_prediction", f"ought {_RECIPROCAL}", 1.4, gap=5),
    cue(
        "link_prediction",
        "ought @LINKNOUN|connect|introduce|meet|befriend|know|marry|link|join",
        2.0,
        gap=3,
    ),
    cue("link_prediction", "hit it off", 2.0, gap=0),
    cue(
        "link_prediction",
        "not|@NEG|never @LINKNOUN|connect|linked|connected|know|met|meet|paired|matched|"
        "introduced|partnered|teamed yet",
        1.8,
        gap=1,
    ),
    cue(
        "link_prediction",
        f"introduction|introductions|meeting to|with|between {_RECIPROCAL}",
        1.6,
        gap=1,
    ),
    cue(
        "link_prediction",
        "but|yet|though|although never|not|@NEG "
        "meet|met|cross|connect|link|know|marry|interact|talk|collaborate",
        1.8,
        gap=2,
    ),
    cue(
        "link_prediction",
        "might|may|probably|likely like|enjoy|love|want|prefer|try",
        1.4,
        gap=2,
    ),
    cue(
        "link_prediction",
        "likely|will|going|might|probably take|pick|add|win|gain|acquire|land new",
        1.6,
        gap=2,
    ),
    cue("link_prediction", "in future", 1.0, gap=1),
    cue("link_prediction", "new @LINKNOUN|acquaintance|partner for", 1.4, gap=0),
    cue("link_prediction", "new direct", 1.5, gap=0),
    cue(
        "link_prediction",
        "destined|fated|meant|bound|due|poised|set to "
        "meet|connect|link|marry|befriend|collaborate|cross",
        1.6,
        gap=1,
    ),
    cue(
        "link_prediction",
        "will|going|likely|might|may talk|speak|chat|phone|write|email|work|deal|communicate|"
        "interact|collaborate|trade|buy|order soon|shortly|next",
        1.6,
        gap=3,
    ),
    cue("link_prediction", "show|offer|recommend|suggest|present|pitch|advertise next", 1.4, gap=2),
    cue(
        "link_prediction",
        "likely|probably|will|might|may|going open|start|form|begin|establish|develop|strike "
        "@LINKNOUN|relationship|tie",
        1.8,
        gap=3,
    ),
    # "which two customers should we put in touch": introducing them, not a broker between
    cue("link_prediction", "put|get|bring in touch", 1.6, gap=1),
    cue("link_prediction", "should|ought|worth|must bring|put|get together", 1.6, gap=3),
    cue("link_prediction", "@LINKNOUN|@EDGE|pair|pairing|introduction make sense", 1.6, gap=3),
    # "have friends in common but are not friends themselves": the tie that is missing
    cue(
        "link_prediction",
        "but|yet|though|although not|never|@NEG "
        "@LINKNOUN|=connected|=linked|=related|=married|=acquainted",
        1.8,
        gap=3,
    ),
    # "start transacting with each other", "begin referring to one another"
    cue("link_prediction", f"start|begin {_RECIPROCAL}", 1.6, gap=3),
    cue(
        "link_prediction",
        "poised|course|track|tipped|due|bound start|begin|connect|meet|link|form|become",
        1.4,
        gap=2,
    ),
    cue(
        "link_prediction",
        "waiting|yet|about|bound|due to happen|form|emerge|develop|materialise|materialize|occur",
        1.5,
        gap=1,
    ),
    # "could plausibly have met", "might have married": a tie that could exist and does not
    cue(
        "link_prediction",
        "could|might|may|would|should have meet|met|know|known|connect|connected|link|linked|"
        "marry|married|befriend|befriended",
        1.4,
        gap=2,
    ),
    cue("link_prediction", "lack|lacking|missing direct|new @LINKNOUN|@EDGE", 1.6, gap=1),
    # "prime candidates for a new marriage alliance": a new tie of the graph's own kind
    cue(
        "link_prediction",
        "likely|probable|possible|candidate|potential|prime new|direct|future|fresh "
        "@LINKNOUN|@EDGE|marriage|alliance|partnership|union|pairing|match|deal",
        2.0,
        gap=3,
    ),
    cue("link_prediction", "would|will|might|likely get along", 1.4, gap=1),
    cue("link_prediction", "for first time", 1.2, gap=1),
    cue(
        "link_prediction",
        "should|would|might|could|will|likely|probably "
        "buy|order|purchase|try|watch|read|borrow|rent|book|hire|visit|call|contact|add|want|like|"
        "listen|play|join|attend|follow|subscribe next",
        1.6,
        gap=3,
    ),
    cue("link_prediction", "suggest|propose|pitch|advertise to|for", 1.2, gap=3),
    cue("link_prediction", "good|best|natural|great|right|perfect|strong fit|prospect", 1.0, gap=1),
    cue(
        "link_prediction",
        "@NEG|never|not|yet tried|bought|ordered|used|called|attended|visited|met|seen",
        0.9,
        gap=2,
    ),
    cue(
        "link_prediction",
        "natural|obvious|plausible|promising|likely|potential "
        "@LINKNOUN|acquaintance|partner|partnership|alliance|marriage|pairing|match",
        1.6,
        gap=2,
    ),
    # "share many counterparties but have never paid each other": alike, yet not linked
    # (the contrast word is what asks for the missing link)
    cue(
        "link_prediction",
        f"but|yet|though|although never|not|@NEG {_RECIPROCAL}",
        1.8,
        gap=3,
    ),
    cue(
        "link_prediction",
        "should|ought|might|may|will|likely start|begin "
        "work|working|team|collaborate|talk|trade|deal|refer|call|pay|together",
        1.8,
        gap=2,
    ),
    cue(
        "link_prediction",
        "make|made good|great|perfect|natural|ideal match|pair|couple|partner|team",
        1.8,
        gap=2,
    ),
)
