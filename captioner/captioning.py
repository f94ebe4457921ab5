"""Caption photos with the exported model: encoder ONNX -> decoder init -> beam search over the step ONNX.

Serving side: numpy, Pillow, sentencepiece and onnxruntime only. One Captioner holds the artifact's
three shared sessions; it is safe to call from many threads.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from captioner.beam_search import Hypothesis, beam_search
from captioner.image_input import to_model_input
from runtime.artifact import Artifact, load_artifact, model_dir
from textmodels.tokenizer import load_tokenizer

MAX_WORDS = 20


@dataclass
class CaptionResult:
    caption: str
    score: float  # mean log-probability per word of the best caption
    alternatives: list[tuple[str, float]]  # the rest of the n-best list
    words: list[str]
    attention: np.ndarray  # [len(words), rows, cols]: where the decoder looked for each word
    imagenet_top5: list[tuple[str, float]]  # what the CNN alone sees

    def as_dict(self, image: str) -> dict:
        return {"image": image, "caption": self.caption, "score": round(self.score, 4),
                "alternatives": [{"caption": c, "score": round(s, 4)} for c, s in self.alternatives],
                "imagenet_top5": [{"label": label, "prob": round(p, 4)} for label, p in self.imagenet_top5]}


def token_words(tokenizer, tokens: list[int]) -> list[str]:
    """Decoder token ids -> words (the tokenizer is word-level: one piece per word)."""
    return [tokenizer.id_to_piece(t).lstrip("▁") for t in tokens]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


class Captioner:
    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        manifest = artifact.manifest
        self.tokenizer = load_tokenizer(artifact.file(manifest["tokenizer"]["file"]))
        self.start_id, self.end_id = manifest["tokenizer"]["start_id"], manifest["tokenizer"]["end_id"]
        self.grid_shape = tuple(manifest["encoder"]["grid"])
        self.labels = artifact.file(manifest["encoder"]["labels_file"]).read_text().splitlines()

    @classmethod
    def load(cls) -> Captioner:
        return cls(load_artifact(model_dir("caption")))

    def encode(self, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """Spatial grid [B, P, F] and ImageNet logits [B, 1000] of RGB images."""
        batch = np.stack([to_model_input(image) for image in images])
        grid, _, logits = self.artifact.session("encoder.onnx").run(None, {"image": batch})
        return grid, logits

    def search(self, grid: np.ndarray, beam_size: int = 3, max_words: int = MAX_WORDS) -> list[list[Hypothesis]]:
        """n-best hypotheses for each grid row, by beam search over the exported decoder step."""
        h, c, memory, keys = self.artifact.session("decoder_init.onnx").run(None, {"grid": grid.astype(np.float32)})
        step_session = self.artifact.session("decoder_step.onnx")

        def step(tokens: np.ndarray, state: tuple[np.ndarray, ...]):
            h, c, memory, keys = state
            log_probs, h, c, weights = step_session.run(
                None, {"tokens": tokens, "h": h, "c": c, "memory": memory, "keys": keys})
            return log_probs, (h, c, memory, keys), weights

        return beam_search(step, (h, c, memory, keys), self.start_id, self.end_id, beam_size, max_words)

    def words(self, tokens: list[int]) -> list[str]:
        return token_words(self.tokenizer, tokens)

    def text(self, tokens: list[int]) -> str:
        return " ".join(self.words(tokens))

    def caption(self, images: list[Image.Image], beam_size: int = 3) -> list[CaptionResult]:
        """Caption a batch of RGB images: the best caption, the n-best list, attention maps, ImageNet top-5."""
        grid, logits = self.encode(images)
        results = []
        for nbest, image_logits in zip(self.search(grid, beam_size), logits):
            best = nbest[0]
            probs = _softmax(image_logits)
            top5 = np.argsort(-probs)[:5]
            results.append(CaptionResult(
                caption=self.text(best.tokens), score=best.score,
                alternatives=[(self.text(h.tokens), h.score) for h in nbest[1:]],
                words=self.words(best.tokens), attention=best.attention.reshape(-1, *self.grid_shape),
                imagenet_top5=[(self.labels[i], float(probs[i])) for i in top5]))
        return results
