"""Training the sentiment classifier on human-rated sentences; scoring it beside VADER."""
