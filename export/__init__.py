"""torch -> ONNX export, and the parity check that proves the export matches torch."""
