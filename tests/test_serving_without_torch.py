"""The serving path (inference, CLIs, the everyday-photo check, pages) works with torch made unimportable."""
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

SERVE_WITHOUT_TORCH = r"""
import sys
sys.modules["torch"] = None  # any `import torch` now raises ImportError
from textmodels.nextword import NextWordPredictor
from textmodels.sentiment import SentimentClassifier
from textmodels.__main__ import main as cli_main
from captioner.__main__ import main as caption_main
from captioner.captioning import Captioner
from captioner.real_photos import main as real_photos_main
from PIL import Image
from streamlit.testing.v1 import AppTest

classifier = SentimentClassifier.load()
[result] = classifier.predict(["The food was great and the staff were friendly."])
steps = classifier.running("The food was great and the staff were friendly.")
assert len(steps) == 9 and result.label in classifier.labels, (result, steps)
assert cli_main(["sentiment", "--json", "What a lovely surprise."]) == 0
predictor = NextWordPredictor.load()
assert len(predictor.next_words("We hold these truths to be", k=5).words) == 5
assert predictor.generate("Call me", max_words=5, seed=1)
assert cli_main(["nextword", "--json", "--complete", "The United Sta"]) == 0
assert cli_main(["generate", "--seed", "1", "It was"]) == 0
[caption] = Captioner.load().caption([Image.new("RGB", (300, 200), (200, 30, 30))], beam_size=2)
assert caption.words and caption.attention.shape[0] == len(caption.words)
assert caption_main(["--json", "tests/fixtures/does-not-exist.png"]) == 1
assert real_photos_main([]) == 0
for page in ("app/caption_page.py", "app/sentiment_page.py", "app/nextword_page.py", "app/gradient_lab_page.py",
             "app/models_page.py"):
    app = AppTest.from_file(page, default_timeout=60)
    app.session_state["sentiment_text"] = "Not only the fan was expensive, but it was broken."
    app.session_state["nextword_text"] = "It is a truth universally "
    app.run()
    assert not app.exception, app.exception
print("served without torch")
"""


def test_inference_cli_and_pages_run_with_torch_unimportable():
    done = subprocess.run([sys.executable, "-c", SERVE_WITHOUT_TORCH], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("served without torch")
