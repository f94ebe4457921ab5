"""The HTTP API: every model behind one FastAPI app, served by Ray Serve (`rnnapp serve`)."""
