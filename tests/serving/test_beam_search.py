"""Beam search properties on a small random decoder whose next-word table depends on the image."""
import numpy as np
import pytest

from serving.beam_search import beam_search

VOCAB, POSITIONS, START, END = 12, 5, 2, 3


def toy_decoder(seed: int, end_allowed: bool = True):
    """A step function over state (position counter [N, 1], image bias [N, V]) like the ONNX step's."""
    rng = np.random.default_rng(seed)
    table = rng.normal(0, 2, (VOCAB, VOCAB))
    looks = rng.normal(0, 1, (VOCAB, POSITIONS))

    def step(tokens, state):
        counter, bias = state
        logits = table[tokens] + bias + counter * 0.4 * (np.arange(VOCAB) == END)
        logits[:, [0, START]] = -np.inf  # never <pad> or <start>
        if not end_allowed:
            logits[:, END] = -np.inf
        log_probs = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
            - logits.max(1, keepdims=True)
        weights = np.exp(looks[tokens]) / np.exp(looks[tokens]).sum(1, keepdims=True)
        return log_probs, (counter + 1, bias), weights

    def initial_state(images: int):
        return np.zeros((images, 1)), np.random.default_rng(seed + 1).normal(0, 1.5, (images, VOCAB))

    return step, initial_state


def greedy(step, state, max_length, banned=()):
    """The reference: always take the most likely allowed word, stop at <end>."""
    tokens, total, last = [], 0.0, np.array([START])
    for _ in range(max_length):
        log_probs, state, _ = step(last, state)
        word = int(np.argmax(np.where(np.isin(np.arange(VOCAB), banned), -np.inf, log_probs[0])))
        total += log_probs[0, word]
        if word == END:
            return tokens, total
        tokens.append(word)
        last = np.array([word])
    return tokens, total


@pytest.mark.parametrize("seed", range(20))
def test_beam_one_is_greedy(seed):
    step, initial_state = toy_decoder(seed)
    state = initial_state(3)
    results = beam_search(step, state, START, END, beam_size=1, max_length=15)
    for image, nbest in enumerate(results):
        tokens, total = greedy(step, tuple(a[image:image + 1] for a in state), 15)
        assert len(nbest) == 1
        assert nbest[0].tokens == tokens
        assert nbest[0].log_prob == pytest.approx(total)


@pytest.mark.parametrize("beam_size", [1, 3, 5])
def test_search_ends_when_end_is_never_produced(beam_size):
    step, initial_state = toy_decoder(0, end_allowed=False)
    results = beam_search(step, initial_state(2), START, END, beam_size=beam_size, max_length=7)
    for nbest in results:
        assert len(nbest) == beam_size
        assert all(len(h.tokens) == 7 and not h.finished for h in nbest)


@pytest.mark.parametrize("seed", range(10))
def test_nbest_sorted_normalised_and_with_attention_per_word(seed):
    step, initial_state = toy_decoder(seed)
    for nbest in beam_search(step, initial_state(4), START, END, beam_size=4, max_length=12, length_penalty=1.0):
        assert len(nbest) == 4
        assert [h.score for h in nbest] == sorted((h.score for h in nbest), reverse=True)
        for h in nbest:
            length = len(h.tokens) + h.finished
            assert h.score == pytest.approx(h.log_prob / length)
            assert h.attention.shape == (len(h.tokens), POSITIONS)
            assert np.allclose(h.attention.sum(1), 1.0)
            assert END not in h.tokens and START not in h.tokens
        assert len({tuple(h.tokens) for h in nbest}) == 4  # distinct hypotheses


def test_images_in_a_batch_get_what_they_would_get_alone():
    step, initial_state = toy_decoder(7)
    state = initial_state(5)
    together = beam_search(step, state, START, END, beam_size=3, max_length=10)
    for image in range(5):
        alone = beam_search(step, tuple(a[image:image + 1] for a in state), START, END, beam_size=3, max_length=10)[0]
        assert [h.tokens for h in alone] == [h.tokens for h in together[image]]
        assert [h.score for h in alone] == pytest.approx([h.score for h in together[image]])


def test_wider_beam_finds_at_least_as_likely_a_best_caption_on_average():
    step, initial_state = toy_decoder(3)
    state = initial_state(30)
    narrow = [n[0].score for n in beam_search(step, state, START, END, beam_size=1, max_length=12)]
    wide = [n[0].score for n in beam_search(step, state, START, END, beam_size=5, max_length=12)]
    assert np.mean(wide) >= np.mean(narrow)


def test_bad_settings_are_refused():
    step, initial_state = toy_decoder(0)
    with pytest.raises(ValueError):
        beam_search(step, initial_state(1), START, END, beam_size=0)


@pytest.mark.parametrize("seed", range(10))
def test_banned_tokens_are_never_emitted_and_beam_one_stays_greedy(seed):
    step, initial_state = toy_decoder(seed)
    state = initial_state(1)
    favourite = int(np.argmax(step(np.array([START]), state)[0][0]))  # the first word it likes best
    banned = [1, favourite] if favourite != END else [1]
    for beam_size in (1, 3):
        for hypothesis in beam_search(step, state, START, END, beam_size, 15, banned=banned)[0]:
            assert not set(hypothesis.tokens) & set(banned) and np.isfinite(hypothesis.score)
    [best] = beam_search(step, state, START, END, 1, 15, banned=banned)[0]
    assert best.tokens == greedy(step, state, 15, banned)[0]
