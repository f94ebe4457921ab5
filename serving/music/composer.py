"""Folk tunes written by the exported music LSTM, one token at a time, each fed back (one-to-many): the
listener's choices (meter, mode, tune type, an opening) go in first, the sampler (serving/sampling.py) picks
every further token, and the tune comes out as ABC in the listener's key with each token's probability.

Also the teacher-forced score of a given tune, beside the Kneser-Ney 5-gram the model is compared with.
Serving side: numpy and onnxruntime, no torch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.artifact import Artifact, load_artifact, model_dir
from serving.batch import answer_each
from serving.kneser_ney import KneserNey
from serving.music.abc import AbcError, Key, Tune, bar_eighths, read_key, read_tune
from serving.music.checks import bar_lengths
from serving.music.grammar import Grammar
from serving.music.tokens import UNKNOWN_KIND, abc_text, tune_tokens
from serving.numeric import log_softmax
from serving.sampling import sample
from serving.text import InputError

START, END, UNKNOWN = "<tune>", "<end>", "<unk>"
MAX_TOKENS = 600  # a tune longer than this is cut (the corpus's longest has 764 tokens, its mean 180)
DEFAULT_TEMPERATURE = 1.0


@dataclass
class WrittenTune:
    tokens: list[str]  # the header tokens, then the body
    probs: list[float]  # each token's probability under the model when it came (1.0 for the listener's opening)
    chosen: int  # how many tokens came before the model's own body (the header and the listener's opening)
    abc: str = ""  # "" when the tokens do not make a tune
    error: str = ""  # why not, then (the model wrote something ABC cannot say)
    tune: Tune | None = None

    @property
    def valid(self) -> bool:
        return self.tune is not None

    def bars(self) -> int:
        return len(bar_lengths(self.tune)) if self.tune else 0

    def to_json(self) -> dict:
        return {"abc": self.abc, "tokens": self.tokens, "valid": self.valid, "bars": self.bars(),
                **({"not_valid_because": self.error} if self.error else {})}


@dataclass(frozen=True)
class Choice:
    """What the listener asks for: a meter, a key (its tonic and mode: "D", "Gm", "Ador"), a tune type, an
    opening in ABC. A meter or type left None is the model's to choose."""

    meter: str | None = None
    key: str = "D"
    kind: str | None = None
    opening: str = ""
    temperature: float = DEFAULT_TEMPERATURE
    top_k: int = 0
    seed: int | None = None
    bars: int | None = None  # stop at this many bar lines (None: when the model ends the tune)
    grammar: bool = True  # mask what would overfill a bar or end away from the tonic (serving/music/grammar.py)


@dataclass
class TuneScore:
    title: str
    tokens: list[str]
    nll_per_token: float
    ngram_nll_per_token: float

    def to_json(self) -> dict:
        return {"title": self.title, "tokens": self.tokens, "nll_per_token": round(self.nll_per_token, 4),
                "ngram_nll_per_token": round(self.ngram_nll_per_token, 4)}


class Composer:
    """Loads the music artifact once; `write` and `score` are safe to call from many threads."""

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        self.vocabulary: list[str] = artifact.manifest["vocabulary"]
        self.ids = {token: i for i, token in enumerate(self.vocabulary)}
        self.session = artifact.session("model.onnx")
        config = artifact.manifest["config"]
        self.state_shape = (config["num_layers"], config["hidden_size"])
        self.meters = sorted({token[2:] for token in self.vocabulary if token.startswith("M:")})
        self.modes = sorted({token[2:] for token in self.vocabulary if token.startswith("K:")})
        self.kinds = sorted({token[2:] for token in self.vocabulary if token.startswith("R:")} - {UNKNOWN_KIND})
        self._ngram: KneserNey | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> "Composer":
        return cls(load_artifact(path or model_dir("music")))

    def run(self, ids: list[int], h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log-probabilities of the next token after each of `ids` [T, V], and the state after them."""
        logits, h, c = self.session.run(None, {"tokens": np.array([ids], np.int64), "h": h, "c": c})
        return log_softmax(logits[0]), h, c

    def initial_state(self) -> tuple[np.ndarray, np.ndarray]:
        layers, size = self.state_shape
        zeros = np.zeros((layers, 1, size), np.float32)
        return zeros, zeros.copy()

    def header(self, choice: Choice) -> tuple[Key, list[str | None]]:
        """The key, and the header tokens the listener's choices stand for (None where the model chooses);
        InputError naming a choice the model does not know."""
        try:
            key = read_key(choice.key)
            key.signature()  # D#, Fb: more than seven sharps or flats
        except AbcError:
            raise InputError(f"{choice.key!r} is not a key: write a tonic A-G with # or b, and a mode "
                             "(D, Gm, Ador, Amix)") from None
        if not (math.isfinite(choice.temperature) and choice.temperature >= 0) or choice.top_k < 0:
            raise InputError("use a temperature of 0 or more and a top-k of 0 or more")
        if choice.meter is not None and choice.meter not in self.meters:
            raise InputError(f"the model knows the meters {', '.join(self.meters)}, not {choice.meter!r}")
        if key.mode not in self.modes:
            raise InputError(f"the model knows the modes {', '.join(self.modes)}, not {key.mode!r}")
        if choice.kind is not None and choice.kind not in self.kinds:
            raise InputError(f"the model knows the tune types {', '.join(self.kinds)}, not {choice.kind!r}")
        return key, [choice.meter and f"M:{choice.meter}", f"K:{key.mode}", choice.kind and f"R:{choice.kind}"]

    def opening_tokens(self, key: Key, meter: str, opening: str) -> list[str]:
        """The listener's opening bars (ABC in their key) as body tokens in C; InputError when they are no
        ABC this reader takes or hold tokens the model never saw."""
        if not opening.strip():
            return []
        try:
            tune = read_tune(f"X:1\nM:{meter}\nL:1/8\nK:{key}\n{opening}")
        except AbcError as err:
            raise InputError(f"the opening is not ABC this model reads: {err}") from None
        body = tune_tokens(tune)[3:]
        unknown = sorted({token for token in body if token not in self.ids})
        if unknown:
            raise InputError(f"the opening has notes or lengths the model never saw: {' '.join(unknown)}")
        return body

    def write(self, choice: Choice) -> WrittenTune:
        """A tune for the listener's choices; InputError for a choice the model cannot take."""
        key, header = self.header(choice)
        rng = np.random.default_rng(choice.seed)
        last, h, c = self.run([self.ids[START]], *self.initial_state())
        tokens, probs = [], []
        if header[0] is None and header[2] is not None:  # a type without a meter: the meter the type goes with
            header[0] = self.vocabulary[sample(self.meter_given(header[1], header[2], last[-1], h, c), rng,
                                               choice.temperature, choice.top_k)]
        for prefix, token in zip(("M:", "K:", "R:"), header):  # the listener's, or the model's choice of its kind
            if token is None:
                allowed = np.full_like(last[-1], -np.inf)
                kinds = [i for t, i in self.ids.items() if t.startswith(prefix) and t != f"R:{UNKNOWN_KIND}"]
                allowed[kinds] = last[-1][kinds]
                token = self.vocabulary[sample(allowed, rng, choice.temperature, choice.top_k)]
            probs.append(float(np.exp(last[-1][self.ids[token]])))
            tokens.append(token)
            last, h, c = self.run([self.ids[token]], h, c)
        opening = self.opening_tokens(key, tokens[0][2:], choice.opening)
        if opening:
            last, h, c = self.run([self.ids[t] for t in opening], h, c)
            tokens, probs = tokens + opening, probs + [1.0] * len(opening)
        given = len(tokens)
        last = last[-1]
        grammar = Grammar(self.vocabulary, bar_eighths(tokens[0][2:]))
        for token in tokens[3:]:
            grammar.advance(self.ids[token])
        banned = [self.ids[t] for t in (START, UNKNOWN)] + [i for t, i in self.ids.items() if t[:2] in
                                                             ("M:", "K:", "R:")]
        bar_lines = 0
        while len(tokens) < MAX_TOKENS and (choice.bars is None or bar_lines < choice.bars):
            if choice.grammar:
                last[~grammar.allowed()] = -np.inf
            last[banned] = -np.inf
            chosen = sample(last, rng, choice.temperature, choice.top_k)
            if self.vocabulary[chosen] == END:
                break
            tokens.append(self.vocabulary[chosen])
            grammar.advance(chosen)
            bar_lines += self.vocabulary[chosen][:1] in "|:"
            probs.append(float(np.exp(last[chosen])))
            last, h, c = self.run([chosen], h, c)
            last = last[-1]
        written = WrittenTune(tokens, probs, given)
        try:
            written.abc = abc_text(tokens, tonic=key.tonic)
            written.tune = read_tune(written.abc)
        except AbcError as err:
            written.error = str(err)
        return written

    def meter_given(self, mode: str, kind: str, first: np.ndarray, h: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log P(meter | mode, type) by the model, up to a constant, over the meter tokens (-inf elsewhere):
        the header is written meter first, so a chosen type reaches the meter through Bayes' rule,
        P(meter) P(mode | meter) P(type | meter, mode)."""
        scores = np.full_like(first, -np.inf)
        for token, i in self.ids.items():
            if token.startswith("M:"):
                after, _, _ = self.run([i, self.ids[mode]], h, c)
                scores[i] = first[i] + after[0][self.ids[mode]] + after[1][self.ids[kind]]
        return scores

    def predict_batch(self, choices: list[Choice]) -> list[dict]:
        """Each choice's tune as `rnnapp music --json` prints it, or {"error": ...} (serving/batch.py)."""
        return answer_each(choices, lambda chunk: [self.write(choice).to_json() for choice in chunk])

    def score(self, tune: Tune) -> TuneScore:
        return self.score_tokens(tune.title, tune_tokens(tune))

    def score_tokens(self, title: str, tokens: list[str]) -> TuneScore:
        """A tune's mean negative log-likelihood per token (its tokens after the start, the end included),
        teacher-forced, by the model and by the 5-gram peer."""
        ids = [self.ids[START]] + [self.ids.get(t, self.ids[UNKNOWN]) for t in tokens] + [self.ids[END]]
        log_probs, _, _ = self.run(ids[:-1], *self.initial_state())
        model = -float(np.mean(log_probs[np.arange(len(ids) - 1), ids[1:]]))
        context = [self.ids[END]] * 3 + ids  # the stream the 5-gram learnt had a tune's end before every start
        ngram = self.ngram()
        peer = -float(np.mean([np.log(ngram.distribution(context[i - 4:i])[context[i]])
                               for i in range(4, len(context))]))
        return TuneScore(title, tokens, model, peer)

    def ngram(self) -> KneserNey:
        """The 5-gram peer, counted from the training tokens the artifact carries (once, on first use)."""
        if self._ngram is None:
            stream = np.load(self.artifact.file(self.artifact.manifest["peer_stream"]))
            self._ngram = KneserNey(stream, len(self.vocabulary), 5)
        return self._ngram
