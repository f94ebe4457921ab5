"""The Sentiment page's example sentences: what the model reads right, and where it goes wrong."""

# What the model does: each of these is read as a person reads it (tests/app checks it still is).
EXAMPLES = {
    "Not only the fan was expensive, but it was broken when it arrived.": "negative",
    "An absolute joy from start to finish.": "positive",
    "The museum is on Main Street.": "neutral",
    "I wanted to love this phone, but the battery dies by noon.": "negative",
    "I can't say I hated it.": "positive",
    "The hotel was not bad.": "positive",
    "Not bad at all, honestly better than I expected!": "positive",
}
# Where it goes wrong, shown rather than hidden: (how a person reads it, the kind of sentence). The
# tests check that the model still misreads each; when it stops, this list must change.
FAILURES = {
    "The movie is two hours long.": ("neutral", "a plain statement of fact"),
    "The meeting has been moved to Thursday afternoon.": ("neutral", "a plain statement of fact"),
    "The soup was cold and salty.": ("negative", "a complaint without an opinion word"),
    "I couldn't be happier with the result.": ("positive", "a negation that praises"),
}
