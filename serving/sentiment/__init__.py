"""Sentiment: a bidirectional GRU reads a sentence and gives one verdict (many-to-one)."""
