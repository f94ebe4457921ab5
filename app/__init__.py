"""Streamlit pages. Serving side: onnxruntime and numpy only, never torch."""
