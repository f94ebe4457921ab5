"""The English -> Spanish encoder-decoder: sentence pairs, model, training (torch)."""
