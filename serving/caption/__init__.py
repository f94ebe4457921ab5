"""Caption: a CNN encoder and an attention LSTM decoder, searched with the shared beam search."""
