"""Next-word evaluation: the served ONNX GRU beside an interpolated Kneser-Ney 5-gram, held out.

Both models read the same sentencepiece pieces, are trained on the same split and are scored
on the same test documents by the same code:
- perplexity per word: exp(total negative log-likelihood of all pieces / number of words),
  where a word is a piece group as in serving.nextword.predictor (punctuation counts as a word; the
  paragraph marks are neither predicted nor counted);
- top-1/3/5 accuracy: is the true next word among the k words of `top_next_words`?
- keystroke savings of a 3-word suggestion bar: type each sampled word letter by letter and tap
  it as soon as it is offered; typing costs len(word) + 1 (space), a tap costs 1 and adds the space.
"""
from __future__ import annotations

import math
import time

import numpy as np

from serving.nextword.predictor import NextWordPredictor
from serving.nextword.words import PieceModel, PieceVocabulary, top_next_words
from training.nextword.data import Document, load_splits, piece_stream
from training.nextword.kneser_ney import KneserNey, KneserNeyPieceModel

ORDER = 5
TOPK_SAMPLES = 10_000
KEYSTROKE_SAMPLES = 1_000
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


def gru_log_probs(predictor: NextWordPredictor, stream: np.ndarray, chunk: int = 256) -> np.ndarray:
    """log P(stream[i] | stream[:i]) for every i >= 1, in chunks with the hidden state carried."""
    model, state, out = predictor.model, predictor.model.initial_state(), []
    for start in range(0, len(stream) - 1, chunk):
        targets = stream[start + 1:start + 1 + chunk]
        log_probs, state = model.run_sequence(stream[start:start + len(targets)], state)
        out.append(log_probs[np.arange(len(targets)), targets])
    return np.concatenate(out)


def word_scores(model: PieceModel, states: list, stream: np.ndarray, positions: np.ndarray,
                vocab: PieceVocabulary) -> dict[str, float]:
    """Top-1/3/5 accuracy over all positions, keystroke savings over the first KEYSTROKE_SAMPLES."""
    hits = np.zeros(3)
    typed, with_bar = 0, 0
    starts = vocab.word_starts(stream)
    for n, ((state, log_probs), position) in enumerate(zip(states, positions)):
        target = word_at(stream, starts, position, vocab)
        words = [w.word for w in top_next_words(model, state, log_probs, vocab, k=5)]
        hits += [target in words[:1], target in words[:3], target in words[:5]]
        if n < KEYSTROKE_SAMPLES:
            typed += len(target) + 1
            cost = len(target) + 1
            for j in range(len(target)):
                offered = words[:3] if j == 0 else \
                    [w.word for w in top_next_words(model, state, log_probs, vocab, k=3, partial=target[:j])]
                if target in offered:
                    cost = j + 1
                    break
            with_bar += cost
    top = hits / len(positions)
    return {"top1": float(top[0]), "top3": float(top[1]), "top5": float(top[2]),
            "keystroke_savings": 1 - with_bar / typed}


def perplexity_per_word(log_probs: np.ndarray, stream: np.ndarray, vocab: PieceVocabulary) -> float:
    counted = ~vocab.never[stream[1:]]
    words = int(np.sum(vocab.word_starts(stream)[1:]))
    return math.exp(-float(log_probs[counted].sum()) / words)


def compare_with_kneser_ney(predictor: NextWordPredictor, train_stream: np.ndarray,
                            test_documents: list[Document]) -> dict:
    """{"gru": scores, "kneser_ney_5gram": scores, ...} on the test documents."""
    vocab = predictor.vocab
    stream = piece_stream(predictor.tokenizer, test_documents)
    positions = sample_positions(vocab.word_starts(stream), TOPK_SAMPLES)
    started = time.time()
    gru = {"perplexity_per_word": perplexity_per_word(gru_log_probs(predictor, stream), stream, vocab),
           **word_scores(predictor.model, gru_states_at(predictor, stream, positions), stream, positions, vocab)}
    print(f"GRU scored in {time.time() - started:.0f} s", flush=True)
    started = time.time()
    kneser_ney = KneserNey(train_stream, len(vocab.surfaces), ORDER)
    ngram = KneserNeyPieceModel(kneser_ney)
    ngram_starts = [ngram.start([int(t) for t in stream[max(0, p - ORDER + 1):p]]) for p in positions]
    ngram_scores = {"perplexity_per_word": perplexity_per_word(kneser_ney.log_probs_of(stream), stream, vocab),
                    **word_scores(ngram, ngram_starts, stream, positions, vocab)}
    print(f"5-gram built and scored in {time.time() - started:.0f} s", flush=True)
    return {"gru": gru, "kneser_ney_5gram": ngram_scores, "test_documents": len(test_documents),
            "test_pieces": int(len(stream)),
            "test_words": int(np.sum(vocab.word_starts(stream))),
            "sampled_positions": int(len(positions)), "keystroke_words": min(KEYSTROKE_SAMPLES, len(positions))}


def format_table(comparison: dict) -> str:
    gru, ngram = comparison["gru"], comparison["kneser_ney_5gram"]
    lines = ["| metric | GRU (ONNX) | Kneser-Ney 5-gram |", "|---|---:|---:|"]
    for score in SCORES:
        fmt = "{:.1f}" if score.startswith("perplexity") else "{:.1%}"
        lines.append(f"| {score.replace('_', ' ')} | {fmt.format(gru[score])} | {fmt.format(ngram[score])} |")
    lines.append(f"\n{comparison['test_documents']} held-out documents, {comparison['test_words']:,} words; "
                 f"top-k on {comparison['sampled_positions']} sampled positions, keystrokes on "
                 f"{comparison['keystroke_words']} words.")
    return "\n".join(lines)


def evaluate_saved_model(split: str = "test") -> dict:
    """Score the committed artifact on a held-out split and print the table."""
    predictor = NextWordPredictor.load()
    splits = load_splits()
    comparison = compare_with_kneser_ney(predictor, piece_stream(predictor.tokenizer, splits["train"]), splits[split])
    print(f"Next word, held-out {split} split, ONNX GRU vs Kneser-Ney 5-gram:")
    print(format_table(comparison))
    return comparison
