"""Named-entity tagger training: silver labels from spaCy, a char-CNN + bidirectional GRU + CRF (torch)."""
