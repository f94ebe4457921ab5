"""The COCO-80 object detector (NanoDet, converted from TF.js by training/detect/convert.py): photo -> boxes,
classes and scores (serving side: numpy and onnxruntime).

NanoDet predicts, at every cell of three grids (strides 8, 16 and 32), a sigmoid score per class and each
side's distance from the cell centre as a distribution over 0..10 strides (generalised focal loss): the
distance is that distribution's mean. Boxes of one class that overlap are reduced by non-maximum
suppression. The network reads BGR pixels normalised by NanoDet's own mean and standard deviation; the
photo is resized to a square (its aspect ratio is not kept, as upstream does), and boxes are given back in
the photo's own pixels.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from serving.artifact import Artifact
from serving.numeric import softmax

MIN_SCORE = 0.3  # a detection below this is not reported
NMS_OVERLAP = 0.5  # boxes of one class overlapping more than this (intersection over union) are one thing
STRIDES = (8, 16, 32)  # NanoDet's three grids, fine to coarse (the artifact's manifest records them)


@dataclass(frozen=True)
class Detection:
    """One thing found: its COCO class, score and box in the photo's pixels (x0, y0, x1, y1)."""

    label: str
    score: float
    box: tuple[float, float, float, float]


def to_detector_input(image: Image.Image, size: int, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """[3, size, size] float32: the photo squashed to a square, BGR, normalised per channel."""
    pixels = np.asarray(image.convert("RGB").resize((size, size), Image.BILINEAR), np.float32)[:, :, ::-1]
    return ((pixels - mean) / std).transpose(2, 0, 1).copy()


def overlaps(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one box [4] with each of `boxes` [N, 4]."""
    x0, y0 = np.maximum(box[0], boxes[:, 0]), np.maximum(box[1], boxes[:, 1])
    x1, y1 = np.minimum(box[2], boxes[:, 2]), np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, overlap: float) -> list[int]:
    """Indices of the boxes kept, best first: each kept box removes the later ones it overlaps by more than
    `overlap`."""
    order = np.argsort(-scores, kind="stable")
    kept = []
    while order.size:
        best, order = order[0], order[1:]
        kept.append(int(best))
        order = order[overlaps(boxes[best], boxes[order]) <= overlap]
    return kept


def decode(scores: list[np.ndarray], distances: list[np.ndarray], size: int, labels: list[str],
           width: int, height: int, min_score: float = MIN_SCORE,
           strides: tuple[int, ...] = STRIDES) -> list[Detection]:
    """One image's detections from the three grids' class scores [cells, C] and side distributions
    [cells, 4 * bins], best first; boxes scaled from the `size` square to the photo's `width` x `height`."""
    all_boxes, all_scores, all_classes = [], [], []
    for stride, grid_scores, grid_distances in zip(strides, scores, distances):
        cells, classes = np.nonzero(grid_scores >= min_score)
        if not cells.size:
            continue
        side = size // stride
        centre_x = (cells % side + 0.5) * stride
        centre_y = (cells // side + 0.5) * stride
        bins = softmax(grid_distances[cells].reshape(len(cells), 4, -1))
        left, top, right, bottom = (bins @ np.arange(bins.shape[-1], dtype=np.float32)).T * stride
        all_boxes.append(np.stack([centre_x - left, centre_y - top, centre_x + right, centre_y + bottom], 1))
        all_scores.append(grid_scores[cells, classes])
        all_classes.append(classes)
    if not all_boxes:
        return []
    boxes = np.clip(np.concatenate(all_boxes), 0, size) * np.array([width, height, width, height]) / size
    found_scores, found_classes = np.concatenate(all_scores), np.concatenate(all_classes)
    detections = []
    for cls in np.unique(found_classes):
        chosen = np.flatnonzero(found_classes == cls)
        for keep in non_max_suppression(boxes[chosen], found_scores[chosen], NMS_OVERLAP):
            index = chosen[keep]
            detections.append(Detection(labels[cls], float(found_scores[index]),
                                        tuple(round(float(v), 1) for v in boxes[index])))
    return sorted(detections, key=lambda d: -d.score)


class Detector:
    """The detector artifact's session, its labels and input facts."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        facts = artifact.manifest["detector"]
        self.file = facts["file"]
        self.size = int(facts["input_size"])
        self.mean = np.asarray(facts["mean_bgr"], np.float32)
        self.std = np.asarray(facts["std_bgr"], np.float32)
        self.labels = artifact.file(facts["labels_file"]).read_text().splitlines()
        self.score_names = facts["score_outputs"]  # per stride, fine to coarse
        self.distance_names = facts["distance_outputs"]
        self.strides = tuple(facts["strides"])

    def detect(self, images: list[Image.Image], min_score: float = MIN_SCORE) -> list[list[Detection]]:
        """Each image's detections, best first (one batched call)."""
        if not images:
            return []
        batch = np.stack([to_detector_input(image, self.size, self.mean, self.std) for image in images])
        session = self.artifact.session(self.file)
        outputs = dict(zip([o.name for o in session.get_outputs()],
                           session.run(None, {session.get_inputs()[0].name: batch})))
        return [decode([outputs[name][i] for name in self.score_names],
                       [outputs[name][i] for name in self.distance_names],
                       self.size, self.labels, image.width, image.height, min_score, self.strides)
                for i, image in enumerate(images)]
