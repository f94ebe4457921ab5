"""Training the GRU language model on public-domain prose; scoring it beside a Kneser-Ney 5-gram."""
