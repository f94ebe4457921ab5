"""`rnnapp`, the one command line: every model's subcommand, and the `python -m` aliases that say the same."""
import subprocess
import sys

import pytest

from datafetch.archives import zip_member
from datafetch.registry import fetch
from datafetch.sources import SCIKIT_IMAGE
from tests.conftest import REPO_ROOT, RNNAPP


def run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)


def test_help_lists_every_model():
    done = run([RNNAPP, "--help"])
    assert done.returncode == 0, done.stderr
    for command in ("caption", "sentiment", "ner", "nextword", "generate"):
        assert f"\n    {command}" in done.stdout


def test_the_command_line_starts_without_every_models_code():
    """Every command pays for what `rnnapp` imports before it runs: not the API's routes (every model's code),
    onnx (most of a second, for the few models that read their own weights) or pandas (the forecast's)."""
    heavy = ("serving.api.models", "onnx", "pandas", "ray", "torch")
    done = run([sys.executable, "-c", f"import sys, serving.rnnapp; print([m for m in {heavy} if m in sys.modules])"])
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_serve_commands_routes_are_the_apis():
    from serving.api.cli import ROUTES
    from serving.api.models import SERVED

    assert ROUTES == tuple(SERVED)


def test_unknown_subcommand_is_a_one_line_usage_error():
    done = run([RNNAPP, "poem", "roses"])
    assert done.returncode == 2 and "invalid choice: 'poem'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_python_m_aliases_print_what_rnnapp_prints(tmp_path):
    photo = tmp_path / "coffee.png"
    photo.write_bytes(zip_member(fetch(SCIKIT_IMAGE), "skimage/data/coffee.png"))
    pairs = [(["sentiment", "--json", "I loved it."], ["textmodels", "sentiment", "--json", "I loved it."]),
             (["ner", "--json", "Bob told Ahmed"], ["textmodels", "ner", "--json", "Bob told Ahmed"]),
             (["nextword", "-k", "3", "It is a truth"], ["textmodels", "nextword", "-k", "3", "It is a truth"]),
             (["generate", "--seed", "1", "--max-words", "5", "Call me"],
              ["textmodels", "generate", "--seed", "1", "--max-words", "5", "Call me"]),
             (["caption", "--json", str(photo)], ["captioner", "--json", str(photo)])]
    for command, alias in pairs:
        direct, aliased = run([RNNAPP, *command]), run([sys.executable, "-m", *alias])
        assert direct.returncode == aliased.returncode == 0, (direct.stderr, aliased.stderr)
        assert direct.stdout == aliased.stdout and direct.stdout.strip()
