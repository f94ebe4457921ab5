"""The serving side's foundation: onnxruntime sessions and the artifact format. Never imports torch."""
