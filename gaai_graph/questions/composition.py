"""How the intents of one clause combine: what describes the groups, what is asked besides them.

A group noun's modifiers describe the groups asked for ("the *tight-knit* clusters *of key
accounts*", "groups *of similar customers*", "communities *formed around the hubs*"): a
quality every good group has (alike, dense) or a choice of which groups (key, main) asks for
no second analysis. A coordinated phrase does ("the clusters *and their linchpins*", "the
segments *and the machines that tie them together*"): it names a second thing to find, per
group when it says so ("each", "their").
"""

from __future__ import annotations

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.intents import INTENT_THRESHOLD, IntentScore
from gaai_graph.questions.phrases import conjunct_of, modifier_span
from gaai_graph.questions.text import Token, word_set
from gaai_graph.questions.word_classes import CLASSES

__all__ = [
    "DESCRIPTIVE_INTENTS",
    "MEMBER_ROLES",
    "coordinated_pair",
    "leader_per_group",
    "member_of_several",
    "over_members",
    "per_group_ranking",
    "possessive_of_groups",
    "said_of_the_groups",
    "without_descriptions",
]

DESCRIPTIVE_INTENTS: frozenset[str] = frozenset({"importance", "similarity"})
"""Intents whose words, said of groups, describe them rather than ask a second thing: "key",
"main", "influential" pick which groups; "similar", "alike" are what a group's members are.
Density is not among them: "tightly-knit groups" asks for dense cores (cohesion)."""

MEMBER_ROLES: frozenset[str] = frozenset({"importance", "brokers", "collectors", "distributors"})
"""What a phrase coordinated with groups asks of their members ("the clusters and their
leaders", "the factions and who links them"). Other pairs ("is it connected, or which
clusters ...") describe one answer in two ways."""

_GROUP_WORDS = CLASSES["GROUP"]
_EACH = CLASSES["EACH"]
_POSSESSIVES = word_set("their its")
_WHICH = word_set("which what")
_GROUP_PLURALS = frozenset(f"{word}s" for word in CLASSES["GROUP"]) | word_set("sides groups camps")
_PERSON_QUESTION = word_set("who whom whose")
_ONE_OF = word_set("a an one the single")
_ONE_PERSON = word_set(
    "person representative spokesperson delegate figure face ambassador contact leader head"
)
_MEMBERSHIP_VERBS = word_set(
    "belong join fall land contain include comprise consist member membership makeup"
)
_INSIDE = word_set("in inside within among part member where")
_DIRECTED_RANKINGS: dict[str, str] = {"distributors": "out_degree", "collectors": "in_degree"}


def _group_heads(scores: dict[str, IntentScore], tokens: list[Token]) -> list[int]:
    """Positions of the group nouns the communities reading rests on."""
    groups = scores.get("communities")
    if groups is None or groups.score < INTENT_THRESHOLD:
        return []
    return sorted(p for p in groups.tokens if tokens[p].lemma in _GROUP_WORDS)


def without_descriptions(
    best: list[IntentScore], scores: dict[str, IntentScore], tokens: list[Token], text: str
) -> list[IntentScore]:
    """`best` without the intents whose every cue word describes a group noun.

    "Which key supplier clusters do we have?" and "groups of similar customers" ask for
    groups only; "the clusters and their key accounts" keeps importance (its words are not
    inside the group's phrase).
    """
    every_head = _group_heads(scores, tokens)
    # only groups asked for describe: "is this a close-knit group?" asks about the whole
    heads = [
        h
        for h in every_head
        if tokens[h].lower != tokens[h].lemma or (h > 0 and tokens[h - 1].lower in _WHICH)
    ]
    modifiers: set[int] = set()
    for head in heads:
        modifiers |= modifier_span(tokens, head, text)
    modifiers -= set(heads)
    if every_head and _groups_as_the_action(tokens, every_head):
        # "Group similar products together", "put customers with similar tastes into the same
        # segment": likeness is how to group, not a second question
        modifiers |= set(range(len(tokens))) - set(every_head)
    if not modifiers:
        return best
    kept = [
        s
        for s in best
        if not (s.intent in DESCRIPTIVE_INTENTS and s.tokens and s.tokens <= modifiers)
    ]
    return kept or best


_GROUPING_VERBS = word_set(
    "group cluster segment partition split divide sort bucket classify organise organize put "
    "place assign"
)
_INTO = word_set("into in")


def _groups_as_the_action(tokens: list[Token], heads: list[int]) -> bool:
    """Whether the clause orders a grouping.

    It opens with a grouping verb ("Group ...", "Segment ...", "Put ... into the same
    segment") whose groups are named or implied.
    """
    first = next((t for t in tokens if t.lower not in word_set("please now just")), None)
    if first is None or first.lemma not in _GROUPING_VERBS:
        return False
    if first.lemma in word_set("put place assign sort"):
        # these group only "into"/"in" a group: "put customers into the same segment"
        return any(t.lower in _INTO for p in heads for t in tokens[max(0, p - 3) : p])
    return True


def coordinated_pair(
    best: list[IntentScore], tokens: list[Token], text: str
) -> tuple[IntentScore, IntentScore, bool] | None:
    """Groups and a role of their members, asked in coordinated phrases of one clause.

    "Find the clusters and the accounts that connect them": communities, then brokers. The
    third item says whether the second is asked per item of the first ("and the leader of
    each", "and their linchpins"). None when the clause asks one thing.
    """
    if len(best) < 2:
        return None
    conjuncts = conjunct_of(tokens, text)
    if max(conjuncts, default=0) == 0:
        return None

    def phrases(evidence: IntentScore) -> set[int]:
        return {conjuncts[p] for p in evidence.tokens}

    first = best[0]
    first_phrases = phrases(first)
    if len(first_phrases) != 1:
        return None
    for other in best[1:]:
        if {first.intent, other.intent} - MEMBER_ROLES != {"communities"}:
            continue
        other_phrases = phrases(other)
        if len(other_phrases) != 1 or other_phrases == first_phrases:
            continue
        in_order = min(first_phrases) < min(other_phrases)
        earlier, later = (first, other) if in_order else (other, first)
        later_phrase = next(iter(phrases(later)))
        per_item = any(
            (t.lemma in _EACH or t.lower in _POSSESSIVES)
            for t, number in zip(tokens, conjuncts, strict=True)
            if number == later_phrase
        )
        return earlier, later, per_item
    return None


_NOUN_CLASSES = ("GROUP", "AREA", "ACTOR", "PARTNER", "PROVIDER", "DEPNOUN")
_WHOLES = word_set("club network graph company organisation organization firm society novel book")
"""Nouns for a whole that its groups belong to ("the club split, following its leaders")."""


def _possessed(tokens: list[Token], position: int, text: str) -> set[int]:
    """The phrase a possessive opens: up to the next coordinated phrase or comma."""
    conjuncts = conjunct_of(tokens, text)
    phrase = {position}
    for later in range(position + 1, len(tokens)):
        if conjuncts[later] != conjuncts[position]:
            break
        if "," in text[tokens[later - 1].end : tokens[later].start]:
            break
        phrase.add(later)
    return phrase


def possessive_of_groups(
    tokens: list[Token],
    text: str,
    scores: dict[str, IntentScore],
    nouns: frozenset[str],
    asked: set[int],
) -> bool:
    """Whether a "their"/"its" stands for the groups and owns what is `asked` of them.

    "The clusters of stations and their most important station": the nearest noun before
    "their" that is not inside another noun's "of ..." phrase is "clusters", and the phrase
    "their" opens holds the importance words. In "members form groups with their closest
    friends" the noun is "members"; in "the club split into camps following its leaders",
    "its" (singular) is the club, not the camps; in "the clusters and their sizes, starting
    with the most central" the groups own only their sizes. A possessive with no noun before
    it is taken to mean the groups.
    """
    heads = _group_heads(scores, tokens)
    known = nouns.union(*(CLASSES[name] for name in _NOUN_CLASSES)) | _WHOLES
    inside = {p for head in heads for p in modifier_span(tokens, head, text) if p > head}
    for position, token in enumerate(tokens):
        if token.lower not in _POSSESSIVES or not asked & _possessed(tokens, position, text):
            continue
        for back in range(position - 1, -1, -1):
            candidate = tokens[back]
            if candidate.lemma not in known or back in inside:
                continue
            plural = candidate.lower != candidate.lemma
            if plural != (token.lower == "their"):
                continue  # "its" is one thing, "their" several
            if back in heads:
                return True
            break
        else:
            return bool(heads)
    return False


_ONES = word_set("one ones")
_RECIPROCAL = (("each", "other"), ("one", "another"))
_FLOWS = frozenset({"collectors", "distributors"})


def _reciprocal_within(tokens: list[Token], positions: set[int]) -> bool:
    """Whether "each other"/"one another" lies inside the span of `positions`."""
    if not positions:
        return False
    low, high = min(positions), max(positions)
    return any((tokens[p].lower, tokens[p + 1].lower) in _RECIPROCAL for p in range(low, high))


def said_of_the_groups(
    best: list[IntentScore], tokens: list[Token], each_positions: list[int]
) -> list[IntentScore]:
    """`best` without what, said after groups were asked for, still only describes them.

    "Which clinician groups are there? List the key ones.": "ones" are the groups, so "key"
    picks groups and asks for no ranking of members (unless asked per group: "in each").
    "Which groups of doctors refer to each other the most?": a flow *to each other* is the
    groups' own ties, not a fan-out.
    """
    kept: list[IntentScore] = []
    for evidence in best:
        if evidence.intent in _FLOWS and _reciprocal_within(tokens, evidence.tokens):
            continue
        ones = {
            p
            for p in range(len(tokens) - 1)
            if tokens[p + 1].lower in _ONES and tokens[p + 1].lower != tokens[p].lower
        }
        ones |= {p + 1 for p in ones}
        if (
            evidence.intent == "importance"
            and not each_positions
            and evidence.tokens
            and evidence.tokens <= ones
        ):
            continue
        kept.append(evidence)
    if best and not kept:
        return [IntentScore("communities", score=INTENT_THRESHOLD, cues=list(best[0].cues))]
    return kept


_SKIPPED_AFTER_EACH = word_set("of the these those our your")


def over_members(tokens: list[Token], each: int, asked: set[int], nouns: frozenset[str]) -> bool:
    """Whether an each/every ranges over members rather than groups.

    "Put each of the key members in a group", "which faction does every top member belong
    to": the members (what the other intent's words name) are taken one by one, and each is
    asked its group; nothing is asked per group. "The leader of each community" and "who
    leads each one" range over the groups.
    """
    known = nouns.union(*(CLASSES[name] for name in ("ACTOR", "PARTNER")))
    position = each + 1
    while position < len(tokens) and tokens[position].lower in _SKIPPED_AFTER_EACH:
        position += 1
    window = range(position, min(len(tokens), position + 3))
    if any(tokens[p].lemma in _GROUP_WORDS | CLASSES["AREA"] for p in window):
        return False  # "every calling circle": the groups, whatever comes between
    return any(p in asked or tokens[p].lemma in known for p in window)


def _asks_membership(tokens: list[Token]) -> bool:
    """Whether a clause asks who is *in* each group ("who is in each", "which belong to each")."""
    for position, token in enumerate(tokens):
        if token.lemma in _MEMBERSHIP_VERBS:
            return True
        nxt = tokens[position + 1] if position + 1 < len(tokens) else None
        if token.lemma == "be" and nxt is not None and nxt.lower in _INSIDE:
            return True
    return False


def leader_per_group(tokens: list[Token], each_positions: list[int]) -> IntentScore | None:
    """Importance, when a clause asks *who* does something in each group, in words not known.

    After groups, "and who steers each?" or "and who fronts each one?" asks for one member
    per group: the one who stands out, its centre. Asking who is *in* each group is membership
    and asks nothing more; "how ... each" asks about the groups themselves.
    """
    if not each_positions or _asks_membership(tokens):
        return None
    person = next((p for p, t in enumerate(tokens) if t.lower in _PERSON_QUESTION), None)
    if person is None:
        # "and pick a representative for each": one person or member named per group
        person = next(
            (
                p
                for p in range(1, len(tokens))
                if tokens[p - 1].lower in _ONE_OF
                and (tokens[p].lemma in _ONE_PERSON or tokens[p].lemma in CLASSES["ACTOR"])
                and tokens[p].lower == tokens[p].lemma
            ),
            None,
        )
    if person is None:
        return None
    return IntentScore(
        "importance",
        score=INTENT_THRESHOLD,
        cues=[f"{tokens[person].text} ... {tokens[each_positions[0]].text}"],
        tokens={person, each_positions[0]},
    )


_ANYONE = word_set("who whom whoever anyone anybody someone somebody which ones those")
_SEVERAL = word_set("several multiple many various different two all")
_THEM = word_set("them those these")


def _spanning_quantifier(tokens: list[Token], start: int) -> int | None:
    """Position of "both", "more than one", "several of them" from `start` on, or None."""
    for position in range(start, len(tokens)):
        token = tokens[position]
        after = [t.lower for t in tokens[position + 1 : position + 3]]
        if token.lower == "both":
            return position
        if token.lower == "more" and after == ["than", "one"]:
            return position
        if token.lower in _SEVERAL and after[:1] == ["of"] and after[1:] and after[1] in _THEM:
            return position
        if token.lower in _SEVERAL and after[:1] and after[0] in _GROUP_WORDS | _GROUP_PLURALS:
            return position
        if token.lower in _SEVERAL - word_set("all two") and position == len(tokens) - 1:
            return position  # "which hosts are shared by several?": several of the groups
    return None


def member_of_several(tokens: list[Token]) -> IntentScore | None:
    """Brokers, when a clause asks who is in *several* of the groups.

    "Each" asks something per group (its leader); "both", "more than one", "several of them"
    range over the groups together: "and who has a foot in both?", "and anyone who belongs
    to more than one" ask for the members that span groups.
    """
    person = next((p for p, t in enumerate(tokens) if t.lower in _ANYONE), None)
    if person is None:
        return None
    quantifier = _spanning_quantifier(tokens, person + 1)
    if quantifier is None:
        return None
    return IntentScore(
        "brokers",
        score=INTENT_THRESHOLD,
        cues=[f"{tokens[person].text} ... {tokens[quantifier].text}"],
        tokens={person, quantifier},
        methods=[(INTENT_THRESHOLD, "betweenness")],
    )


def per_group_ranking(evidence: IntentScore) -> IntentScore:
    """The ranking a per-group question asks for.

    The top sender of each group is its most central member by out-degree: collectors and
    distributors asked per group become importance by in- or out-degree (the direction kept
    as the method).
    """
    method = _DIRECTED_RANKINGS.get(evidence.intent)
    if method is None:
        return evidence
    intent: QuestionIntent = "importance"
    return IntentScore(
        intent,
        score=evidence.score,
        cues=list(evidence.cues),
        methods=[(evidence.score, method), *evidence.methods],
        tokens=set(evidence.tokens),
    )
