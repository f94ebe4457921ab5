"""Training the gradient lab's RNN, LSTM and GRU on the adding problem, for the curves the page draws."""
