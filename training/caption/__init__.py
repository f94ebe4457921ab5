"""Training the caption decoder on composed scenes; scoring it beside a nearest-neighbour captioner."""
