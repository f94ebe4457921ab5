"""Serving never needs torch: every module of serving/ imports with torch made unimportable, and so does
every training module that scores a served model; the CLIs, the everyday-photo check and the pages run."""
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # each test imports everything, or drives every page, in a fresh process

# The training modules that need torch (models, loops, export); every other one must not.
NEEDS_TORCH = {"training.loop", "training.export", "training.sentiment.model", "training.sentiment.pretrain",
               "training.sentiment.train", "training.nextword.model", "training.nextword.train",
               "training.ner.model", "training.ner.train", "training.caption.encoder", "training.caption.model",
               "training.caption.train", "training.gradlab.train", "training.translate.model",
               "training.translate.train", "training.distributed", "training.stream_lm", "training.music.train",
               "training.cells.train", "training.cells.artifact", "training.forecast.model", "training.forecast.train"}

IMPORT_EVERY_MODULE = r"""
import importlib, pkgutil, sys
sys.modules["torch"] = None  # any `import torch` now raises ImportError
import serving, training
for package in (serving, training):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            importlib.import_module(module.name)
            print("imported", module.name)
        except ImportError as err:
            print("failed", module.name, err)
"""

SERVE_WITHOUT_TORCH = r"""
import sys
sys.modules["torch"] = None
from serving.nextword.predictor import NextWordPredictor
from serving.sentiment.classifier import SentimentClassifier
from serving.rnnapp import main as rnnapp
from serving.caption.captioner import Captioner
from serving.ner.tagger import EntityTagger
from serving.translate.translator import Translator
from training.evaluate import main as evaluate
from PIL import Image
from streamlit.testing.v1 import AppTest

classifier = SentimentClassifier.load()
[result] = classifier.predict(["The food was great and the staff were friendly."])
steps = classifier.running("The food was great and the staff were friendly.")
assert len(steps) == 9 and result.label in classifier.labels, (result, steps)
assert rnnapp(["sentiment", "--json", "What a lovely surprise."]) == 0
predictor = NextWordPredictor.load()
assert len(predictor.next_words("We hold these truths to be", k=5).words) == 5
assert predictor.generate("Call me", max_words=5, seed=1)
assert rnnapp(["nextword", "--json", "--complete", "The United Sta"]) == 0
assert rnnapp(["generate", "--seed", "1", "It was"]) == 0
[caption] = Captioner.load().caption([Image.new("RGB", (300, 200), (200, 30, 30))], beam_size=2)
assert caption.words and caption.attention.shape[0] == len(caption.words)
assert rnnapp(["caption", "--json", "tests/fixtures/does-not-exist.png"]) == 1
assert evaluate(["real-photos"]) == 0
[tagged] = EntityTagger.load().tag(["Ann told Maria that the pizza is in Rome."])
assert [e.text for e in tagged.entities][-2:] == ["Maria", "Rome"], tagged.entities
assert rnnapp(["ner", "--json", "Angela Merkel visited Paris."]) == 0
[translated] = Translator.load().translate(["How are you?"], beam_size=2)
assert translated.translation and len(translated.alternatives) == 1, translated
assert rnnapp(["translate", "--json", "Save the file."]) == 0
assert rnnapp(["forecast", "--json", "docs/examples/visitors.csv"]) == 0  # the peers (statsforecast) too
assert rnnapp(["cells", "--json", "def f(x):\n    return (x + 1)"]) == 0
for page in ("app/caption_page.py", "app/sentiment_page.py", "app/ner_page.py", "app/translate_page.py",
             "app/nextword_page.py", "app/forecast_page.py", "app/cells_page.py", "app/gradient_lab_page.py",
             "app/models_page.py"):
    app = AppTest.from_file(page, default_timeout=60)
    app.session_state["sentiment_text"] = "Not only the fan was expensive, but it was broken."
    app.session_state["nextword_text"] = "It is a truth universally "
    app.session_state["ner_text"] = "Dhaval loves baby yoda"
    app.session_state["translate_text"] = "How are you?"
    app.run()
    assert not app.exception, app.exception
print("served without torch")
"""


def run_without_torch(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, env=dict(os.environ))


def test_every_serving_module_and_every_evaluation_module_imports_without_torch():
    done = run_without_torch(IMPORT_EVERY_MODULE)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = {line.split()[1]: line.split()[0] for line in done.stdout.splitlines()}
    serving = [name for name in outcome if name.startswith("serving.")]
    assert {"serving.rnnapp", "serving.caption.captioner", "serving.sentiment.classifier"} <= set(serving)
    assert [name for name in serving if outcome[name] != "imported"] == [], done.stdout
    training = {name for name in outcome if name.startswith("training.")}
    assert NEEDS_TORCH <= training, "a module named in NEEDS_TORCH is gone: update the list"
    assert {name for name in training if outcome[name] != "imported"} == NEEDS_TORCH, done.stdout


def test_inference_cli_and_pages_run_with_torch_unimportable():
    done = run_without_torch(SERVE_WITHOUT_TORCH)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("served without torch")
