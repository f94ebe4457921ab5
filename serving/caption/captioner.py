"""Caption photos with the exported model: the detector (beside the encoder) and the encoder ONNX -> the
recognition layer (serving/caption/recognition.py) -> the CNN's likeliest things and the detector's ->
decoder init -> beam search over the step ONNX -> the things the decoder copied named
(serving/caption/concepts.py). Models without copying name the objects the CNN is sure of after decoding
(serving/caption/cnn_names.py).

Serving side: numpy, Pillow, sentencepiece, onnx (to read the classifier head) and onnxruntime. One
Captioner holds the artifact's three shared sessions; it is safe to call from many threads.
"""
from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from PIL import Image

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answered, item_error
from serving.beam_search import Hypothesis, beam_search
from serving.caption.cnn_names import CnnName, CnnNamer, ImagenetNames
from serving.caption.concepts import Concept, cnn_things, fill_slots
from serving.caption.detector import Detection, Detector
from serving.caption.image_input import ImageInputError, load_image, to_model_input
from serving.caption.recognition import (CNN_SURE, Recogniser, Recognition, Thing, object_features,
                                        object_things)
from serving.numeric import softmax
from serving.onnx_weights import linear_head
from serving.scope import image_warnings
from serving.tokenizer import PAD_ID, UNK_ID, load_tokenizer

MAX_WORDS = 20
DETECTED = "detector: "  # how a name copied from the detector gives its class, where the CNN gives ImageNet's
# Words a caption never ends on: one that does was cut short by an early <end> ("a close-up of a").
FUNCTION_WORDS = frozenset("a an the of on in at to and with next against among".split())


def decoder_state_names(copying: bool) -> list[str]:
    """The names of the decoder state that decoder_init.onnx returns and decoder_step.onnx reads, in order."""
    return ["h", "c", "memory", "keys"] + (["concept_memory", "concept_keys"] if copying else [])


@dataclass(frozen=True)
class Copyable:
    """What a copying decoder may copy in one image: the CNN's things, and the detector's (with their counts)
    for a decoder that reads the recognition layer."""

    concepts: list[Concept]
    objects: list[Thing]


@dataclass
class CaptionResult:
    caption: str
    score: float  # mean log-probability per word of the best caption
    alternatives: list[tuple[str, float]]  # the rest of the n-best list
    words: list[str]
    attention: np.ndarray  # [len(words), rows, cols]: where the decoder looked for each word
    imagenet_top5: list[tuple[str, float]]  # what the CNN alone sees
    decoder_caption: str  # the decoder's own words, before the CNN named objects
    cnn_names: list[CnnName]  # the object phrases the CNN named (serving/caption/cnn_names.py)
    recognition: Recognition | None = None  # things, people and setting (serving/caption/recognition.py)
    # why the caption may mean little: the picture (serving/scope.py) and no confident recognition
    warnings: list[str] = field(default_factory=list)

    def to_json(self, image: str) -> dict:
        recognition = self.recognition.to_json() if self.recognition else {}
        return {"image": image, "caption": self.caption, "score": round(self.score, 4), **recognition,
                "warnings": self.warnings,
                "alternatives": [{"caption": c, "score": round(s, 4)} for c, s in self.alternatives],
                "imagenet_top5": [{"label": label, "prob": round(p, 4)} for label, p in self.imagenet_top5],
                "decoder_caption": self.decoder_caption,
                "named_by_cnn": [{"words": " ".join(self.words[n.start:n.end]), "label": n.label,
                                  "imagenet_class": n.imagenet_class,
                                  "prob": round(n.probability, 4), "decoder_said": n.decoder_said}
                                 for n in self.cnn_names]}


def token_words(tokenizer, tokens: list[int]) -> list[str]:
    """Decoder token ids -> words (the tokenizer is word-level: one piece per word)."""
    return [tokenizer.id_to_piece(t).lstrip("▁") for t in tokens]


def copying_of(manifest: dict) -> tuple[dict | None, int]:
    """What a caption decoder copies, from its manifest: {"count", "threshold"} of the CNN's things when it
    copies them (else None), and how many of the detector's things it reads (0: none)."""
    copying = manifest.get("concepts")
    return copying, (copying or {}).get("objects", 0)


class Captioner:
    def __init__(self, artifact: Artifact, detector: Detector | None = None):
        self.artifact = artifact
        self.detector = detector  # with it, each caption comes with a Recognition
        # the detector runs in its own thread beside the encoder (onnxruntime releases the GIL)
        self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detector") if detector else None
        manifest = artifact.manifest
        self.tokenizer = load_tokenizer(artifact.file(manifest["tokenizer"]["file"]))
        self.start_id, self.end_id = manifest["tokenizer"]["start_id"], manifest["tokenizer"]["end_id"]
        self.grid_shape = tuple(manifest["encoder"]["grid"])
        self.labels = artifact.file(manifest["encoder"]["labels_file"]).read_text().splitlines()
        self.cnn_namer = self.cnn_namer_at(manifest.get("cnn_names", {}).get("threshold"))
        self.copying, self.objects = copying_of(manifest)

    @cached_property
    def _head_names_and_phrases(self) -> tuple[np.ndarray, np.ndarray, ImagenetNames, list[str]]:
        """The CNN's classifier head, the names for its classes and the decoder's object phrases, read once."""
        weight, bias = linear_head(self.artifact.file("encoder.onnx"), "logits")
        facts = self.artifact.manifest["cnn_names"]
        names = ImagenetNames.from_json(json.loads(self.artifact.file(facts["names_file"]).read_text()))
        return weight, bias, names, self.artifact.file(facts["objects_file"]).read_text().splitlines()

    @cached_property
    def _inner_words(self) -> frozenset[str]:
        """Words of the decoder's object phrases that never end one ("big" and "eared" of "a big eared rabbit");
        none for a model trained on real captions, which has no list of object phrases."""
        if "cnn_names" not in self.artifact.manifest:
            return frozenset()
        phrases = [phrase.split() for phrase in self._head_names_and_phrases[3] if phrase.strip()]
        return frozenset(w for words in phrases for w in words[:-1]) - {words[-1] for words in phrases}

    def cut_short(self, words: list[str]) -> bool:
        """Does a caption stop mid-phrase ("a close-up of a big eared")? The beam can keep such a
        hypothesis when the decoder gave <end> some probability too early."""
        return not words or words[-1] in FUNCTION_WORDS or words[-1] in self._inner_words

    @property
    def imagenet_names(self) -> ImagenetNames:
        return self._head_names_and_phrases[2]

    def cnn_namer_at(self, threshold: float | None) -> CnnNamer | None:
        """Object naming by the CNN's head at `threshold` (None: off, as for models without object phrases)."""
        if threshold is None:
            return None
        weight, bias, names, phrases = self._head_names_and_phrases
        return CnnNamer(weight, bias, self.labels, names, phrases, threshold)

    @property
    def cnn_name_threshold(self) -> float | None:
        """How sure the CNN must be to name an object phrase (None: it names none)."""
        return self.cnn_namer.threshold if self.cnn_namer else None

    @property
    def has_detector(self) -> bool:
        return self.detector is not None

    @cached_property
    def recogniser(self) -> Recogniser:
        return Recogniser(self.labels, self.imagenet_names)

    @classmethod
    def load(cls) -> Captioner:
        return cls(load_artifact(model_dir("caption")), Detector(load_artifact(model_dir("detector"))))

    def scene_recognitions(self, grid: np.ndarray, detections: list[list[Detection]] | None,
                           size: tuple[int, int] = (224, 224)) -> list[Recognition] | None:
        """Recognitions of encoded images from boxes found earlier (cached scenes: the encoder's own size), with
        the CNN's probabilities from the grid as the encoder computes them (its head over the mean cell)."""
        if detections is None:
            return None
        weight, bias, _, _ = self._head_names_and_phrases
        probabilities = softmax(np.asarray(grid, np.float32).mean(1) @ weight.T + bias)
        return [self.recogniser.recognise(found, image, *size) for found, image in zip(detections, probabilities)]

    def detect_beside(self, images: list[Image.Image]) -> Future | None:
        """The detector started on `images` in its own thread (None without a detector)."""
        return self._beside.submit(self.detector.detect, images) if self.detector else None

    def recognise(self, images: list[Image.Image], logits: np.ndarray,
                  detecting: Future | None = None) -> list[Recognition | None]:
        """What is in each photo, from the detector's boxes (`detecting`, started by detect_beside, or run now)
        and the CNN's logits; None for each photo without a detector."""
        if self.detector is None:
            return [None] * len(images)
        found = detecting.result() if detecting else self.detector.detect(images)
        return [self.recogniser.recognise(detections, softmax(image_logits), image.width, image.height)
                for detections, image_logits, image in zip(found, logits, images)]

    def encode(self, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
        """Spatial grid [B, P, F] and ImageNet logits [B, 1000] of RGB images."""
        batch = np.stack([to_model_input(image) for image in images])
        grid, _, logits = self.artifact.session("encoder.onnx").run(None, {"image": batch})
        return grid, logits

    def cnn_things(self, grid: np.ndarray, recognitions: list[Recognition | None] | None = None
                   ) -> tuple[list[Copyable], np.ndarray] | None:
        """What a copying decoder reads besides the grid, for each image: the CNN's likeliest things and their
        features [B, K, F + 2]; for a decoder that reads the recognition layer also the detector's things
        (from `recognitions`), each feature row with a flag (0: the CNN's, 1: the detector's) [B, K + D, F + 3].
        None for a decoder that does not copy."""
        if not self.copying:
            return None
        weight, bias, names, _ = self._head_names_and_phrases
        things, features = cnn_things(grid, weight, bias, names, self.copying["count"], self.copying["threshold"])
        if not self.objects:
            return [Copyable(concepts, []) for concepts in things], features
        recognitions = recognitions or [None] * len(grid)
        objects = [object_things(recognition, self.objects) for recognition in recognitions]
        rows = np.stack([object_features(found, recognition.size if recognition else (1, 1), image_grid, self.objects)
                         for found, recognition, image_grid in zip(objects, recognitions, grid)])
        flagged = np.concatenate([features, np.zeros((*features.shape[:2], 1), np.float32)], 2)
        return ([Copyable(concepts, found) for concepts, found in zip(things, objects)],
                np.concatenate([flagged, rows], 1))

    def copy_constraints(self, copyable: Copyable) -> list[set[int]]:
        """What a caption of a decoder that reads the recognitions must copy (constrained beam search, docs/
        caption.md): the most prominent thing where the recognition layer is sure of one (the detector's first,
        or the CNN's first at CNN_SURE), and the detector's people."""
        if not self.objects:
            return []
        slot_ids = self.artifact.manifest["config"]["slot_ids"]
        cnn_slots, object_slots = slot_ids[:self.copying["count"]], slot_ids[self.copying["count"]:]
        constraints = []
        first = {cnn_slots[0]} if copyable.concepts and copyable.concepts[0].probability >= CNN_SURE else set()
        if copyable.objects:
            first.add(object_slots[0])
        if first:
            constraints.append(first)
        people = [slot for slot, thing in zip(object_slots, copyable.objects) if thing.coco_label == "person"]
        if people:
            constraints.append(set(people))
        return constraints

    def search(self, grid: np.ndarray, beam_size: int = 3, max_words: int = MAX_WORDS,
               things: tuple[list[Copyable], np.ndarray] | None = None,
               copy: bool = True) -> list[list[Hypothesis]]:
        """n-best hypotheses for each grid row, by beam search over the exported decoder step (`things`:
        cnn_things(grid), for a decoder that copies; without `copy` it reads them but may not copy one). A
        decoder that reads the recognitions is made to copy what copy_constraints says."""
        inputs = {"grid": grid.astype(np.float32)}
        if things is not None:
            inputs["concepts"] = things[1]
        state = tuple(self.artifact.session("decoder_init.onnx").run(None, inputs))
        step_session = self.artifact.session("decoder_step.onnx")
        state_names = decoder_state_names(things is not None)

        def step(tokens: np.ndarray, state: tuple[np.ndarray, ...]):
            log_probs, h, c, weights = step_session.run(None, {"tokens": tokens, **dict(zip(state_names, state))})
            return log_probs, (h, c, *state[2:]), weights

        slots = [] if copy or not self.copying else list(self.artifact.manifest["config"]["slot_ids"])
        constraints = [self.copy_constraints(copyable) for copyable in things[0]] if things and copy else None
        return beam_search(step, state, self.start_id, self.end_id, beam_size, max_words,
                           banned=(PAD_ID, UNK_ID, self.start_id, *slots), constraints=constraints)

    def search_with_things(self, grid: np.ndarray, beam_size: int = 3, copy: bool = True,
                           recognitions: list[Recognition | None] | None = None
                           ) -> list[tuple[list[Hypothesis], Copyable | None]]:
        """Beam search over a grid batch, each image's n-best list paired with the things it could copy
        (None for a decoder that does not copy): what `named` needs beside a hypothesis."""
        things = self.cnn_things(grid, recognitions)
        searched = self.search(grid, beam_size, things=things, copy=copy)
        return list(zip(searched, things[0] if things else [None] * len(searched)))

    def words(self, tokens: list[int]) -> list[str]:
        return token_words(self.tokenizer, tokens)

    def text(self, tokens: list[int]) -> str:
        return " ".join(self.words(tokens))

    def named(self, hypothesis: Hypothesis, grid: np.ndarray, cnn_namer: CnnNamer | None,
              things: Copyable | None = None) -> tuple[list[str], np.ndarray, list[CnnName]]:
        """A hypothesis's words, per-word attention and the names the CNN gave: the things the decoder
        copied (`things`: the image's, for a decoder that copies), else the objects `cnn_namer` renamed."""
        words = self.words(hypothesis.tokens)
        if things is not None:
            filled = fill_slots(words, things.concepts, [thing.phrase for thing in things.objects])
            named = [self.copied_name(start, end, k, things, words[filled.origin[start]])
                     for start, end, k in filled.copied]
            # a copied name keeps the attention of its slot word
            return filled.words, hypothesis.attention[filled.origin].reshape(len(filled.words), -1), named
        if cnn_namer is None:
            return words, hypothesis.attention, []
        return cnn_namer.name(words, hypothesis.attention, grid)

    def copied_name(self, start: int, end: int, slot: int, things: Copyable, slot_word: str) -> CnnName:
        """What the decoder copied at words start:end by `slot`: a CNN thing, or a detector's thing after them."""
        if slot < len(things.concepts):
            concept = things.concepts[slot]
            return CnnName(start, end, concept.name, self.labels[concept.top_class], concept.probability, slot_word)
        thing = things.objects[slot - len(things.concepts)]
        return CnnName(start, end, thing.label, f"{DETECTED}{thing.coco_label}", thing.score, slot_word)

    def predict_batch(self, images: list[bytes], names: list[str] | None = None, beam_size: int = 3,
                      cnn_names: bool = True, detail: bool = False) -> list[dict]:
        """Each image file's caption as `rnnapp caption --json` prints it (its "image" the name given, else
        "image N"), or {"image", "error"} for bytes that are no usable image; the usable ones in one batch.
        With `detail`, the whole CaptionResult too (attention maps, boxes)."""
        names = names or [f"image {number}" for number in range(1, len(images) + 1)]
        answers: list[dict | None] = []
        usable: list[tuple[int, Image.Image]] = []
        for index, data in enumerate(images):
            try:
                usable.append((index, load_image(data)))
                answers.append(None)
            except ImageInputError as err:
                answers.append({"image": names[index], **item_error(str(err))})
        if usable:
            results = self.caption([image for _, image in usable], beam_size, cnn_names)
            for (index, _), result in zip(usable, results):
                answers[index] = answered(result.to_json(names[index]), result, detail)
        return answers

    def caption(self, images: list[Image.Image], beam_size: int = 3, cnn_names: bool = True) -> list[CaptionResult]:
        """Caption a batch of RGB images: the best caption, the n-best list, attention maps, ImageNet top-5.
        With `cnn_names`, the decoder may copy the CNN's names (serving/caption/concepts.py), or for a
        decoder that does not copy, object phrases the CNN is sure of are named by it (cnn_names.py)."""
        detecting = self.detect_beside(images)
        grid, logits = self.encode(images)
        cnn_namer = self.cnn_namer if cnn_names else None
        recognitions = self.recognise(images, logits, detecting)
        searched = self.search_with_things(grid, beam_size, cnn_names, recognitions)
        results = []
        for (nbest, things), image, image_grid, image_logits, recognition in zip(searched, images, grid, logits,
                                                                                recognitions):
            named = [self.named(h, image_grid, cnn_namer, things) for h in nbest]
            words, attention, cnn_named = named[0]
            probs = softmax(image_logits)
            top5 = np.argsort(-probs)[:5]
            texts = [" ".join(w) for w, _, _ in named]
            # CNN names can make two hypotheses read the same (the better-scored one is kept); hypotheses
            # cut off by the length cap or stopped mid-phrase are not captions to offer
            alternatives = [(text, h.score) for i, (text, h, (w, _, _)) in enumerate(zip(texts, nbest, named))
                            if i > 0 and text not in texts[:i] and h.finished and not self.cut_short(w)]
            results.append(CaptionResult(
                caption=texts[0], score=nbest[0].score, alternatives=alternatives,
                words=words, attention=attention.reshape(-1, *self.grid_shape),
                imagenet_top5=[(self.labels[i], float(probs[i])) for i in top5],
                decoder_caption=self.text(nbest[0].tokens), cnn_names=cnn_named, recognition=recognition,
                warnings=image_warnings(image) + (recognition.limits if recognition else [])))
        return results
