"""The words the next-word model may suggest: every word of the training split seen at least twice.

Pieces can spell words that never existed ("must" + "ward"); the word list, shipped with the model,
keeps suggestions to words of the text the model learnt from. Twice, not once: a word seen once is as
often a misprint or a name in passing as a word (27,847 words; they cover 98.8% of the words of the
validation documents). `python -m training.nextword.word_list` gives the committed model its list and
scores it again as served.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from serving.artifact import Artifact, load_artifact, model_dir, write_evaluated_artifact
from serving.nextword.predictor import NextWordPredictor
from serving.nextword.words import WORD
from datafetch.texts import Document
from training.nextword.data import load_splits, piece_stream
from training.nextword.evaluate import compare_with_kneser_ney, format_table
from training.settings import RUNS_DIR

MIN_COUNT = 2
WORDS_FILE = "words.txt"


def write_word_list(documents: list[Document], path: Path) -> dict:
    """Write the words seen at least MIN_COUNT times in `documents`, one per line; the manifest's facts."""
    counts = Counter(word for document in documents for word in WORD.findall(document.text))
    words = sorted(word for word, count in counts.items() if count >= MIN_COUNT)
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    return {"file": WORDS_FILE, "count": len(words),
            "what": f"every word of the training split seen at least {MIN_COUNT} times: the only words "
                    "suggestions may be (punctuation besides)"}


def main() -> int:
    """Give the committed next-word model its word list, and score it again on the test split."""
    artifact = load_artifact(model_dir("nextword"))
    run_dir = RUNS_DIR / "nextword"
    run_dir.mkdir(parents=True, exist_ok=True)
    splits = load_splits()
    manifest = {**artifact.given_manifest, "words": write_word_list(splits["train"], run_dir / WORDS_FILE)}
    files = {name: artifact.file(name) for name in artifact.manifest["files"]}
    files[WORDS_FILE] = run_dir / WORDS_FILE

    def evaluate(staged: Artifact) -> dict:
        predictor = NextWordPredictor(staged)
        test = compare_with_kneser_ney(predictor, piece_stream(predictor.tokenizer, splits["train"]), splits["test"])
        print(format_table(test))
        return {**artifact.manifest["metrics"], "test": test}

    print(f"wrote {write_evaluated_artifact(artifact.path, run_dir / 'artifact-words', files, manifest, evaluate)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
