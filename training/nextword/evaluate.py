"""Next-word evaluation: the served ONNX GRU beside an interpolated Kneser-Ney 5-gram, held out.

Both models read the same sentencepiece pieces, are trained on the same split and are scored
on the same test documents (less the sentences that have a training twin: `load_splits`) by the same code:
- perplexity per word: exp(total negative log-likelihood of all pieces / number of words),
  where a word is a piece group as in serving.nextword.predictor (punctuation counts as a word; the
  paragraph marks are neither predicted nor counted);
- top-1/3/5 accuracy: is the true next word among the k words of `top_next_words`?
- keystroke savings of a 3-word suggestion bar: type every tenth sampled word letter by letter and
  tap it as soon as it is offered; typing costs len(word) + 1 (space), a tap costs 1 and adds the space.
Each difference, GRU minus 5-gram, gets a 95% paired bootstrap interval over test documents (a speech or
a chapter: pieces of one document are not independent), every score recomputed from the resampled
documents' sums.
"""
from __future__ import annotations

import math
import time

import numpy as np

from serving.artifact import Artifact
from serving.nextword.predictor import NextWordPredictor
from serving.nextword.words import PieceModel, PieceVocabulary, top_next_words
from training.bootstrap import paired_interval
from datafetch.texts import Document
from training.nextword.data import load_splits, piece_stream, twin_sentences_dropped
from serving.kneser_ney import KneserNey, KneserNeyPieceModel

ORDER = 5
TOPK_SAMPLES = 10_000
KEYSTROKE_SAMPLES = 1_000
KEYSTROKE_EVERY = TOPK_SAMPLES // KEYSTROKE_SAMPLES  # every tenth sampled position, so all documents are typed
SAMPLE_SEED = 7
SCORES = ("perplexity_per_word", "top1", "top3", "top5", "keystroke_savings")


def sample_positions(starts: np.ndarray, n: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Sorted, seeded word-start positions to predict at (`starts` from PieceVocabulary.word_starts)."""
    candidates = np.flatnonzero(starts[1:]) + 1
    return np.sort(np.random.default_rng(seed).choice(candidates, size=min(n, len(candidates)), replace=False))


def word_at(stream: np.ndarray, starts: np.ndarray, position: int, vocab: PieceVocabulary) -> str:
    """The word beginning at `position`: its pieces up to the next word start or paragraph mark."""
    end = position + 1
    while end < len(stream) and not starts[end] and not vocab.never[stream[end]]:
        end += 1
    return "".join(vocab.surfaces[t] for t in stream[position:end]).strip()


def gru_states_at(predictor: NextWordPredictor, stream: np.ndarray, positions: np.ndarray) -> list:
    """(state, next-piece log-probs) just before each position, with the full context carried."""
    model, states, state, done = predictor.model, [], predictor.model.initial_state(), 0
    log_probs = None
    for position in positions:
        for start in range(done, position, 256):
            log_probs, state = model.run([int(t) for t in stream[start:min(start + 256, position)]], state)
        done = position
        states.append((state, log_probs))
    return states


def ngram_states_at(model: KneserNeyPieceModel, stream: np.ndarray, positions: np.ndarray) -> list:
    """The 5-gram's (state, next-piece log-probs) just before each position: its last ORDER - 1 pieces."""
    return [model.start([int(t) for t in stream[max(0, p - ORDER + 1):p]]) for p in positions]


def gru_log_probs(predictor: NextWordPredictor, stream: np.ndarray, chunk: int = 256) -> np.ndarray:
    """log P(stream[i] | stream[:i]) for every i >= 1, in chunks with the hidden state carried."""
    model, state, out = predictor.model, predictor.model.initial_state(), []
    for start in range(0, len(stream) - 1, chunk):
        targets = stream[start + 1:start + 1 + chunk]
        log_probs, state = model.run_sequence(stream[start:start + len(targets)], state)
        out.append(log_probs[np.arange(len(targets)), targets])
    return np.concatenate(out)


def word_outcomes(model: PieceModel, states: list, stream: np.ndarray, positions: np.ndarray,
                  vocab: PieceVocabulary) -> np.ndarray:
    """[positions, 5]: whether the true word is in the top 1, 3 and 5, and for every KEYSTROKE_EVERY-th position
    (spread over the whole split) the keys it takes to type without and with a 3-word bar (0 elsewhere)."""
    outcomes = np.zeros((len(positions), 5))
    starts = vocab.word_starts(stream)
    for n, ((state, log_probs), position) in enumerate(zip(states, positions)):
        target = word_at(stream, starts, position, vocab)
        words = [w.word for w in top_next_words(model, state, log_probs, vocab, k=5)]
        outcomes[n, :3] = [target in words[:1], target in words[:3], target in words[:5]]
        if n % KEYSTROKE_EVERY == 0:
            cost = len(target) + 1
            for j in range(len(target)):
                offered = words[:3] if j == 0 else \
                    [w.word for w in top_next_words(model, state, log_probs, vocab, k=3, partial=target[:j])]
                if target in offered:
                    cost = j + 1
                    break
            outcomes[n, 3:] = [len(target) + 1, cost]
    return outcomes


def perplexity_per_word(log_probs: np.ndarray, stream: np.ndarray, vocab: PieceVocabulary) -> float:
    counted = ~vocab.never[stream[1:]]
    words = int(np.sum(vocab.word_starts(stream)[1:]))
    return math.exp(-float(log_probs[counted].sum()) / words)


def document_tallies(document_of: np.ndarray, log_probs: np.ndarray, stream: np.ndarray, vocab: PieceVocabulary,
                     positions: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """[documents, 8]: each document's negative log-likelihood, words, top-1/3/5 hits, sampled positions, and keys
    typed without and with the bar: the sums every score of any set of documents follows from (`document_of`:
    the document of each piece of `stream`)."""
    documents = int(document_of[-1]) + 1
    counted = ~vocab.never[stream[1:]]
    per_piece = [-log_probs * counted, vocab.word_starts(stream)[1:]]
    columns = [np.bincount(document_of[1:], weights=values, minlength=documents) for values in per_piece]
    at = document_of[positions]
    columns += [np.bincount(at, weights=outcomes[:, i], minlength=documents) for i in range(3)]
    columns.append(np.bincount(at, minlength=documents))
    columns += [np.bincount(at, weights=outcomes[:, i], minlength=documents) for i in (3, 4)]
    return np.stack(columns, 1).astype(np.float64)


def scores_of(tallies: np.ndarray) -> dict[str, float]:
    """The five scores of the documents whose tallies are given (rows may repeat: a bootstrap sample)."""
    nll, words, top1, top3, top5, positions, typed, with_bar = tallies.sum(0)
    return {"perplexity_per_word": math.exp(nll / words), "top1": top1 / positions, "top3": top3 / positions,
            "top5": top5 / positions, "keystroke_savings": 1 - with_bar / typed}


def score_intervals(gru: np.ndarray, ngram: np.ndarray) -> dict[str, dict]:
    """Each score's difference, the GRU's minus the 5-gram's (perplexity: the 5-gram's minus the GRU's, so a
    positive difference is the GRU ahead on every score), with its 95% paired bootstrap interval over documents."""
    intervals = {}
    for score in SCORES:
        sign = -1.0 if score == "perplexity_per_word" else 1.0
        interval = paired_interval(lambda sample: sign * scores_of(gru[sample])[score],
                                   lambda sample: sign * scores_of(ngram[sample])[score], len(gru))
        intervals[score] = {"difference": interval.difference, "low": interval.low, "high": interval.high,
                            "peer_ahead_share": float(interval.peer_ahead_share), "verdict": interval.verdict}
    return intervals


def compare_with_kneser_ney(predictor: NextWordPredictor, train_stream: np.ndarray,
                            test_documents: list[Document]) -> dict:
    """{"gru": scores, "kneser_ney_5gram": scores, "intervals": ..., ...} on the test documents."""
    vocab = predictor.vocab
    streams = [piece_stream(predictor.tokenizer, [document]) for document in test_documents]
    stream = np.concatenate(streams)
    document_of = np.repeat(np.arange(len(streams)), [len(s) for s in streams])
    positions = sample_positions(vocab.word_starts(stream), TOPK_SAMPLES)
    started = time.time()
    gru_probs = gru_log_probs(predictor, stream)
    gru_outcomes = word_outcomes(predictor.model, gru_states_at(predictor, stream, positions), stream, positions,
                                 vocab)
    gru = document_tallies(document_of, gru_probs, stream, vocab, positions, gru_outcomes)
    print(f"GRU scored in {time.time() - started:.0f} s", flush=True)
    started = time.time()
    kneser_ney = KneserNey(train_stream, len(vocab.surfaces), ORDER)
    ngram_model = KneserNeyPieceModel(kneser_ney)
    ngram = document_tallies(document_of, kneser_ney.log_probs_of(stream), stream, vocab, positions,
                             word_outcomes(ngram_model, ngram_states_at(ngram_model, stream, positions), stream,
                                           positions, vocab))
    print(f"5-gram built and scored in {time.time() - started:.0f} s", flush=True)
    return {"gru": scores_of(gru), "kneser_ney_5gram": scores_of(ngram), "intervals": score_intervals(gru, ngram),
            "resampled": "documents", "test_documents": len(test_documents),
            "twin_sentences_dropped": twin_sentences_dropped(test_documents),
            "test_pieces": int(len(stream)), "test_words": int(np.sum(vocab.word_starts(stream))),
            "sampled_positions": int(len(positions)), "keystroke_words": int(np.count_nonzero(gru_outcomes[:, 3]))}


def _shown(score: str, value: float, sign: str = "") -> str:
    """A perplexity to one decimal, a share in percent (points, for a difference)."""
    return f"{value:{sign}.1f}" if score == "perplexity_per_word" else f"{value * 100:{sign}.1f}%"


def format_table(comparison: dict) -> str:
    gru, ngram = comparison["gru"], comparison["kneser_ney_5gram"]
    lines = ["| metric | GRU (ONNX) | Kneser-Ney 5-gram | GRU ahead by [95% interval] |", "|---|---:|---:|---|"]
    for score in SCORES:
        interval = comparison["intervals"][score]
        lines.append(f"| {score.replace('_', ' ')} | {_shown(score, gru[score])} | {_shown(score, ngram[score])} | "
                     f"{_shown(score, interval['difference'], '+')} [{_shown(score, interval['low'], '+')}, "
                     f"{_shown(score, interval['high'], '+')}] {interval['verdict']} |")
    lines.append(f"\n{comparison['test_documents']} held-out documents, {comparison['test_words']:,} words "
                 f"({comparison['twin_sentences_dropped']} sentences with a training twin cut out); top-k on "
                 f"{comparison['sampled_positions']:,} sampled positions, keystrokes on "
                 f"{comparison['keystroke_words']:,} of them. Intervals: 95% paired bootstrap over documents (1,000 "
                 "resamples, every score recomputed from the resampled documents' sums); \"ahead\" or \"behind\" "
                 "only where the interval excludes 0. Perplexity: how much lower the GRU's is; the rest in points.")
    return "\n".join(lines)


def evaluate_saved_model(split: str = "test") -> dict:
    """Score the committed artifact on a held-out split and print the table."""
    predictor = NextWordPredictor.load()
    splits = load_splits()
    comparison = compare_with_kneser_ney(predictor, piece_stream(predictor.tokenizer, splits["train"]), splits[split])
    print(f"Next word, held-out {split} split, ONNX GRU vs Kneser-Ney 5-gram:")
    print(format_table(comparison))
    return comparison


def artifact_metrics(artifact: Artifact) -> dict:
    """What the training run records, less the ONNX-vs-torch parity: the served GRU beside the 5-gram on the
    held-out test documents."""
    predictor, splits = NextWordPredictor(artifact), load_splits()
    return {"test": compare_with_kneser_ney(predictor, piece_stream(predictor.tokenizer, splits["train"]),
                                            splits["test"])}
