"""The training half: data, torch models, training loops, ONNX export and held-out evaluation.

Each model's `data`, `evaluate` (and the caption model's `settings`, `scenes`, `metrics`) need no
torch, so a served model is re-scored without it; `model`, `train`, `encoder` and `export` do.
"""
