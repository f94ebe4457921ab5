"""English -> Spanish translation served from ONNX (no torch)."""
