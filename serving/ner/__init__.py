"""Named entities: a many-to-many tagger, one BIO tag per word (serving side, no torch)."""
