"""The gradient lab: why plain RNNs forget and how LSTM and GRU gates fix it, made visible.

`jacobians` (exact BPTT Jacobian norms, numpy), `gates` (the sentiment GRU's gates, numpy on the
ONNX weights) and `curves` (reading the training curves) serve the page; `train` (torch) makes
the curves.
"""
