"""Text models: the sentiment classifier (bidirectional GRU) and, later, the next-word language model."""
