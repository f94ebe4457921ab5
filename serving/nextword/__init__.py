"""Next word: a GRU language model over sentencepiece pieces, decoded into whole words."""
