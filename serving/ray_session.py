"""Connecting to Ray the one way the project does (the API, the batch job, Ray Train and the benchmark)."""
from __future__ import annotations

import os

# No usage reports, 127.0.0.1 for a Ray started here, Serve's logs in its log files rather than on the console.
QUIET_RAY = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_SERVE_LOG_TO_STDERR": "0"}


def connect(address: str | None = None, **options) -> None:
    """Join the Ray cluster at `address`, or start Ray on this machine (no dashboard); nothing if connected."""
    os.environ.update(QUIET_RAY)
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level="WARNING", **options)
