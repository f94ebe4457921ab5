"""`python -m captioner ...`: the same as `rnnapp caption ...` (serving/caption/cli.py)."""
