"""Training data, fetched only through package registries (PyPI, npm, Debian) into a git-ignored cache."""
