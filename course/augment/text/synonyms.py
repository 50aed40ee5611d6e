"""A small hand-written English synonym source (no downloads), standing in for WordNet in EDA.

Each group lists words that can replace each other in most everyday sentences; a word may sit in
several groups. `STOPWORDS` are never replaced or used as insertion seeds (as in EDA).
"""

from collections.abc import Mapping

GROUPS = (
    # judgement adjectives
    ("good", "fine", "nice", "decent", "pleasant", "solid"),
    (
        "great",
        "excellent",
        "superb",
        "outstanding",
        "wonderful",
        "terrific",
        "fantastic",
        "brilliant",
    ),
    ("amazing", "astonishing", "stunning", "incredible", "remarkable"),
    ("lovely", "charming", "delightful", "enjoyable"),
    ("perfect", "flawless", "impeccable", "ideal"),
    ("bad", "poor", "lousy", "inferior", "subpar"),
    ("terrible", "awful", "horrible", "dreadful", "atrocious", "abysmal"),
    ("disappointing", "underwhelming", "unsatisfying", "letdown"),
    ("boring", "dull", "tedious", "monotonous", "bland"),
    ("interesting", "engaging", "fascinating", "absorbing", "gripping"),
    ("funny", "amusing", "hilarious", "witty", "comic"),
    ("beautiful", "gorgeous", "pretty", "attractive", "handsome"),
    ("ugly", "unattractive", "hideous", "unsightly"),
    ("clean", "spotless", "tidy", "neat"),
    ("dirty", "filthy", "grimy", "messy", "unclean"),
    ("friendly", "kind", "warm", "welcoming", "cordial", "courteous"),
    ("rude", "impolite", "unfriendly", "discourteous", "surly"),
    ("helpful", "useful", "accommodating", "supportive"),
    ("useless", "worthless", "pointless", "futile"),
    ("cheap", "inexpensive", "affordable", "economical"),
    ("expensive", "costly", "pricey", "overpriced"),
    ("fast", "quick", "rapid", "speedy", "swift", "prompt"),
    ("slow", "sluggish", "leisurely", "unhurried"),
    ("big", "large", "huge", "enormous", "spacious"),
    ("small", "little", "tiny", "cramped", "compact"),
    ("comfortable", "cozy", "comfy", "snug"),
    ("uncomfortable", "awkward", "painful", "stiff"),
    ("tasty", "delicious", "flavorful", "yummy", "savory"),
    ("tasteless", "flavorless", "bland", "insipid"),
    ("fresh", "crisp", "new"),
    ("stale", "old", "musty"),
    ("noisy", "loud", "rowdy"),
    ("quiet", "calm", "peaceful", "silent", "tranquil"),
    ("broken", "faulty", "defective", "damaged"),
    ("reliable", "dependable", "trustworthy", "sturdy"),
    ("confusing", "baffling", "unclear", "muddled", "convoluted"),
    ("clear", "lucid", "plain", "obvious"),
    ("smart", "clever", "intelligent", "bright"),
    ("stupid", "dumb", "silly", "foolish", "idiotic"),
    ("happy", "glad", "pleased", "delighted", "content"),
    ("sad", "unhappy", "gloomy", "miserable"),
    ("angry", "annoyed", "irritated", "furious", "upset"),
    ("annoying", "irritating", "frustrating", "infuriating"),
    ("weak", "feeble", "flimsy", "frail"),
    ("strong", "powerful", "robust", "mighty"),
    ("easy", "simple", "effortless", "straightforward"),
    ("hard", "difficult", "tough", "challenging"),
    ("important", "significant", "crucial", "vital"),
    ("strange", "odd", "weird", "bizarre", "peculiar"),
    ("real", "genuine", "authentic", "actual"),
    ("memorable", "unforgettable", "notable"),
    ("forgettable", "unremarkable", "mediocre", "ordinary", "average"),
    ("moving", "touching", "poignant", "emotional"),
    ("predictable", "formulaic", "clichéd", "stale"),
    ("original", "fresh", "novel", "innovative", "inventive"),
    ("entire", "whole", "complete", "full"),
    # adverbs and intensifiers
    ("very", "really", "truly", "extremely", "highly", "incredibly"),
    ("quite", "fairly", "rather", "pretty", "somewhat"),
    ("completely", "totally", "utterly", "entirely", "absolutely"),
    ("often", "frequently", "regularly"),
    ("quickly", "rapidly", "swiftly", "promptly", "fast"),
    ("slowly", "gradually", "sluggishly"),
    ("also", "too", "additionally"),
    ("maybe", "perhaps", "possibly"),
    ("almost", "nearly", "practically"),
    ("definitely", "certainly", "surely", "undoubtedly"),
    ("barely", "hardly", "scarcely"),
    # verbs
    ("like", "enjoy", "appreciate", "fancy"),
    ("love", "adore", "cherish"),
    ("hate", "detest", "loathe", "dislike", "despise"),
    ("recommend", "suggest", "endorse", "advise"),
    ("buy", "purchase", "acquire", "get"),
    ("use", "employ", "utilize"),
    ("say", "state", "tell", "mention"),
    ("think", "believe", "feel", "reckon"),
    ("see", "watch", "view", "observe"),
    ("want", "wish", "desire"),
    ("need", "require"),
    ("start", "begin", "commence"),
    ("stop", "halt", "cease", "quit"),
    ("end", "finish", "conclude"),
    ("make", "create", "produce", "build"),
    ("help", "assist", "aid", "support"),
    ("work", "function", "operate", "run"),
    ("fail", "break", "malfunction"),
    ("expect", "anticipate", "predict"),
    ("return", "send back", "give back"),
    ("improve", "enhance", "upgrade"),
    ("wait", "linger", "hang on"),
    ("try", "attempt", "test"),
    ("find", "discover", "locate"),
    ("arrive", "come", "turn up"),
    ("leave", "depart", "exit"),
    ("eat", "dine", "consume"),
    ("stay", "remain", "lodge"),
    ("waste", "squander", "misuse"),
    ("impress", "wow", "dazzle"),
    ("bore", "tire", "weary"),
    # nouns
    ("movie", "film", "picture", "flick"),
    ("story", "plot", "narrative", "storyline", "tale"),
    ("actor", "performer", "player"),
    ("acting", "performance", "performances"),
    ("ending", "finale", "conclusion", "climax"),
    ("music", "soundtrack", "score"),
    ("scene", "sequence", "episode"),
    ("book", "novel", "volume"),
    ("author", "writer", "novelist"),
    ("restaurant", "eatery", "diner", "bistro"),
    ("food", "meal", "dish", "cuisine"),
    ("waiter", "server", "waitress", "attendant"),
    ("staff", "personnel", "employees", "team"),
    ("service", "assistance"),
    ("price", "cost", "charge", "fee"),
    ("hotel", "inn", "lodge", "resort"),
    ("room", "chamber", "suite"),
    ("bed", "mattress", "bunk"),
    ("view", "vista", "panorama", "outlook"),
    ("location", "place", "spot", "site", "area"),
    ("phone", "handset", "device", "smartphone"),
    ("battery", "charge", "power"),
    ("screen", "display", "monitor"),
    ("camera", "lens"),
    ("problem", "issue", "trouble", "fault", "defect"),
    ("experience", "visit", "time"),
    ("money", "cash", "funds"),
    ("time", "while", "period"),
    ("day", "date"),
    ("trip", "journey", "voyage", "visit"),
    ("quality", "standard", "caliber", "grade"),
    ("product", "item", "article", "merchandise"),
    ("delivery", "shipping", "shipment"),
    ("package", "parcel", "box"),
    ("mistake", "error", "blunder"),
    ("friend", "companion", "pal", "buddy"),
    ("people", "folks", "persons", "individuals"),
    ("kid", "child", "youngster"),
    ("house", "home", "residence"),
    ("car", "automobile", "vehicle"),
    ("job", "task", "chore"),
    ("idea", "notion", "concept", "thought"),
    ("choice", "option", "selection", "pick"),
    ("part", "portion", "piece", "section"),
    ("start", "beginning", "opening", "outset"),
)

STOPWORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves
""".split()
)


def build_synonym_map(groups=GROUPS):
    """Map each word to the sorted tuple of its synonyms (union over its groups, itself excluded).

    Multi-word entries ("send back") are kept as replacements; only single words are keys.
    """
    table = {}
    for group in groups:
        for word in group:
            table.setdefault(word, set()).update(w for w in group if w != word)
    return {word: tuple(sorted(others)) for word, others in table.items() if " " not in word}


SYNONYMS = build_synonym_map()


def synonyms_of(word, synonyms=None):
    """Synonyms of `word` (lower-cased; stopwords have none) from `synonyms` or the built-in map."""
    if synonyms is not None and not isinstance(synonyms, Mapping):
        raise TypeError(
            f"synonyms must be None or a mapping word -> tuple of synonyms, "
            f"got {type(synonyms).__name__}"
        )
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    key = word.lower()
    if key in STOPWORDS:
        return ()
    return (SYNONYMS if synonyms is None else synonyms).get(key, ())
