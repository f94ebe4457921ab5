"""`rnnapp serve`: the HTTP API on Ray Serve, on this machine or on a Ray cluster (`--address`).

Binds 127.0.0.1 unless `--host` says otherwise. SIGINT or SIGTERM stops it: Serve and the Ray processes
this command started are shut down, leaving nothing listening (a cluster joined with `--address` keeps
running, without this application).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from serving.cli import error

APP_NAME = "rnnapp"
# serving.api.models.SERVED's routes, for --help: importing it loads every model's code, which every other
# command would pay for at start-up (a test keeps the two the same)
ROUTES = ("caption", "sentiment", "ner", "translate", "nextword", "generate", "forecast", "music", "cells")


@dataclass
class ServeSettings:
    """What a Serve config file says of this application (the rest of the file is Ray's own)."""

    http: dict = field(default_factory=dict)
    deployments: dict[str, dict] = field(default_factory=dict)  # a deployment's name -> its options
    models: list[str] | None = None
    proxy_location: str | None = None  # "EveryNode" (Serve's default), "HeadOnly" or "Disabled"


def read_config(path: Path) -> ServeSettings:
    """A Serve config file (the schema `serve deploy` takes) -> its settings for this application."""
    import yaml
    from pydantic import ValidationError
    from ray.serve.schema import ServeDeploySchema

    try:
        schema = ServeDeploySchema.model_validate(yaml.safe_load(path.read_text()) or {})
    except (OSError, yaml.YAMLError, ValidationError) as err:
        raise ValueError(f"{path}: not a Serve config file ({str(err).splitlines()[0]})")
    apps = [app for app in schema.applications if app.import_path.startswith("serving.api.deployments:")]
    if len(apps) != 1:
        raise ValueError(f"{path}: expected one application with import_path serving.api.deployments:build")
    models = (apps[0].args or {}).get("models")
    return ServeSettings(schema.http_options.model_dump(exclude_unset=True),
                         {d.name: d.model_dump(exclude_unset=True, exclude={"name"}) for d in apps[0].deployments},
                         models.split(",") if isinstance(models, str) else models,
                         schema.proxy_location.value if "proxy_location" in schema.model_fields_set else None)


def run_api(models: list[str] | None, settings: ServeSettings) -> None:
    """Run the application on the Ray cluster this process is connected to; returns once it answers."""
    from ray import serve
    from ray.serve.schema import LoggingConfig

    from serving.api.deployments import application

    logging.getLogger("ray.serve").setLevel(logging.WARNING)
    quiet = LoggingConfig(log_level="WARNING", enable_access_log=False)
    serve.start(http_options=settings.http, logging_config=quiet,
                **({"proxy_location": settings.proxy_location} if settings.proxy_location else {}))
    serve.run(application(models or settings.models, settings.deployments), name=APP_NAME, route_prefix="/",
              logging_config=quiet)


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def start(models: list[str] | None, host: str, port: int, address: str | None, config: Path | None) -> str:
    """Start Ray here (or join the cluster at `address`) and run the application; returns its URL."""
    from serving.ray_session import connect

    settings = read_config(config) if config else ServeSettings()
    settings.http = {**settings.http, "host": host or settings.http.get("host", "127.0.0.1"),
                     "port": port or settings.http.get("port", 8000)}
    connect(address, log_to_driver=False)
    signal.signal(signal.SIGTERM, interrupted)  # again: Ray installs its own, which aborts the process
    run_api(models, settings)
    return f"http://{settings.http['host']}:{settings.http['port']}"


def stop(joined: bool) -> None:
    """Take the application down: on a cluster this command joined, only it; on the Ray it started, all."""
    if "ray" not in sys.modules:
        return
    import ray
    from ray import serve

    if ray.is_initialized():
        if joined:
            serve.delete(APP_NAME)
        else:
            serve.shutdown()
        ray.shutdown()


def serve_command(args: argparse.Namespace) -> int:
    models = args.models.split(",") if args.models else None
    unknown = [name for name in models or [] if name not in ROUTES]
    if unknown:
        error(f"no model named {', '.join(unknown)}; the models are {', '.join(ROUTES)}")
        return 1
    signal.signal(signal.SIGTERM, interrupted)  # SIGTERM stops it as Ctrl+C does, starting or serving
    try:
        url = start(models, args.host, args.port, args.address, args.config)
        print(f"serving {', '.join(models or ROUTES)} on {url} (API docs at {url}/docs); Ctrl+C stops",
              file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr, flush=True)
        return 0
    except ValueError as err:
        error(str(err))
        return 1
    except ImportError as err:
        error(f"the API needs Ray Serve, which is not installed here ({err.name}): `make serve` installs it")
        return 1
    finally:
        stop(joined=args.address is not None)


def add_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="the HTTP API on Ray Serve (POST /v1/<model>, docs at /docs)",
                                description="Serve every model over HTTP: GET /health, POST /v1/<model> with "
                                            '{"inputs": [...]}, OpenAPI docs at /docs.')
    serve.add_argument("--host", default="", help="address to bind (default 127.0.0.1, or the config's)")
    serve.add_argument("--port", type=int, default=0, help="port (default 8000, or the config's)")
    serve.add_argument("--models", help=f"comma-separated subset of: {','.join(ROUTES)} (default all)")
    serve.add_argument("--config", type=Path, help="a Serve config file (serve.yaml): replicas, CPUs/GPUs per "
                                                   "replica, batch sizes")
    serve.add_argument("--address", help="join this Ray cluster (e.g. ray://head:10001 or auto) instead of "
                                         "starting Ray here")
    serve.set_defaults(handler=serve_command)
