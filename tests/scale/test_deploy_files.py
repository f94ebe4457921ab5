"""The deployment files docs/scaling.md shows are what Ray's own tools accept: serve.yaml by Serve's config
schema (as `serve deploy` reads it) and rnnapp serve --config, deploy/ray-cluster.yaml by `ray up`'s checks."""
import yaml
from ray.autoscaler._private.util import prepare_config, validate_config
from ray.serve.schema import ServeDeploySchema

from serving.api.cli import read_config
from serving.api.deployments import application
from serving.api.models import SERVED
from tests.conftest import REPO_ROOT


def test_serve_yaml_is_a_serve_config_naming_every_model_and_fits_two_cores():
    schema = ServeDeploySchema.model_validate(yaml.safe_load((REPO_ROOT / "serve.yaml").read_text()))
    assert [app.import_path for app in schema.applications] == ["serving.api.deployments:build"]
    settings = read_config(REPO_ROOT / "serve.yaml")
    assert settings.models == list(SERVED)  # generate is answered by the nextword deployment
    assert set(settings.deployments) == {"Api", *(served.replica for served in SERVED.values())}
    cpus = sum(d["num_replicas"] * d["ray_actor_options"]["num_cpus"] for d in settings.deployments.values())
    assert cpus <= 2  # `make serve` on a 2-core machine places every replica
    application(settings.models, settings.deployments)  # the options are ones Serve takes


def test_the_cluster_file_passes_ray_ups_checks():
    config = prepare_config(yaml.safe_load((REPO_ROOT / "deploy" / "ray-cluster.yaml").read_text()))
    validate_config(config)
    assert config["provider"]["type"] == "local" and len(config["provider"]["worker_ips"]) == 2
