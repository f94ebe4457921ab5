"""Run by the benchmark in a fresh process: the app's cold start to its first caption, then its memory
with every model loaded.

It drives the real pages through Streamlit's AppTest: the Caption page opens, a sample photo is
clicked, and the time at which its caption exists is printed; then the Models page loads the other
models and measures their latency live, and the peak resident memory is printed.
"""
from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from bench.timing import peak_rss_mb
from serving.artifact import REPO_ROOT

TIMEOUT = 120


def main() -> None:
    caption_page = AppTest.from_file(str(REPO_ROOT / "app" / "caption_page.py"), default_timeout=TIMEOUT).run()
    caption_page.button(key="gallery_Coffee").click().run()
    first_caption = time.time()
    if caption_page.exception or not caption_page.markdown:
        raise SystemExit(f"the caption page failed: {caption_page.exception}")
    models_page = AppTest.from_file(str(REPO_ROOT / "app" / "models_page.py"), default_timeout=TIMEOUT).run()
    if models_page.exception:
        raise SystemExit(f"the models page failed: {models_page.exception}")
    print(json.dumps({"first_caption_at": first_caption, "peak_rss_mb": round(peak_rss_mb(), 1)}))


if __name__ == "__main__":
    main()
