"""The attributes TensorFlow 2.15 expects on TF.js graph nodes written by an older converter (plain JSON: the
conversion's environment and the tests both use it, neither needs TensorFlow to)."""
from __future__ import annotations

import copy


def patch_graph(graph: dict) -> dict:
    """A copy of a TF.js graph-model JSON with `TArgs` on every `_FusedConv2D` (one float per fused argument)
    and `index_type` on every `TopKV2`, where missing; TensorFlow's shape inference refuses the nodes
    without them."""
    patched = copy.deepcopy(graph)
    for node in patched["modelTopology"]["node"]:
        attributes = node.setdefault("attr", {})
        if node["op"] == "_FusedConv2D" and "TArgs" not in attributes:
            count = int(attributes.get("num_args", {}).get("i", "0"))
            attributes["TArgs"] = {"list": {"type": ["DT_FLOAT"] * count}} if count else {"list": {}}
        if node["op"] == "TopKV2" and "index_type" not in attributes:
            attributes["index_type"] = {"type": "DT_INT32"}
    return patched
