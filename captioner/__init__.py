"""Image captioning: a pretrained CNN encoder and an attention LSTM decoder (in progress, issue 4)."""
