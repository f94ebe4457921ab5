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


def all_captions(step, state, max_length):
    """Every caption of the toy decoder up to `max_length` words, as (tokens, score) the way beam search
    scores them: ended by <end> (its log-probability counted) or cut off at the cap."""
    found, frontier = [], [([], 0.0, np.array([START]), state)]
    for length in range(max_length):
        following = []
        for tokens, total, last, at in frontier:
            log_probs, after, _ = step(last, at)
            for word in range(VOCAB):
                if not np.isfinite(log_probs[0, word]):
                    continue
                if word == END:
                    found.append((tokens, (total + log_probs[0, word]) / (length + 1)))
                else:
                    following.append((tokens + [word], total + log_probs[0, word], np.array([word]), after))
        frontier = following
    return found + [(tokens, total / max_length) for tokens, total, _, _ in frontier]


@pytest.mark.parametrize("seed", range(6))
def test_a_wide_constrained_beam_finds_the_best_caption_that_meets_the_constraints(seed):
    step, initial_state = toy_decoder(seed)
    state = initial_state(1)
    rng = np.random.default_rng(seed)
    words = [w for w in range(VOCAB) if w not in (0, START, END)]
    constraints = [set(rng.choice(words, 2, replace=False).tolist()), {int(rng.choice(words))}]
    [best, *_] = beam_search(step, state, START, END, beam_size=150, max_length=3, constraints=[constraints])[0]
    meeting = [(tokens, score) for tokens, score in all_captions(step, state, 3)
               if all(set(tokens) & tokens_of for tokens_of in constraints)]
    assert best.score == pytest.approx(max(score for _, score in meeting))
    assert all(set(best.tokens) & tokens_of for tokens_of in constraints)


@pytest.mark.parametrize("seed", range(10))
def test_every_caption_meets_its_images_constraints(seed):
    step, initial_state = toy_decoder(seed)
    rng = np.random.default_rng(seed)
    words = [w for w in range(VOCAB) if w not in (0, START, END)]
    constraints = [[set(rng.choice(words, 2, replace=False).tolist())] for _ in range(3)] + [[]]
    constraints[1].append({int(rng.choice(words))})
    results = beam_search(step, initial_state(4), START, END, 3, 15, constraints=constraints)
    for nbest, sets in zip(results, constraints):
        assert len(nbest) == 3
        for hypothesis in nbest:
            assert all(set(hypothesis.tokens) & tokens for tokens in sets) and np.isfinite(hypothesis.score)


@pytest.mark.parametrize("seed", range(10))
def test_images_without_constraints_search_as_without_the_option(seed):
    step, initial_state = toy_decoder(seed)
    state = initial_state(3)
    plain = beam_search(step, state, START, END, 3, 12)
    mixed = beam_search(step, state, START, END, 3, 12, constraints=[[], [{5, 6}], []])
    for image in (0, 2):
        assert [h.tokens for h in mixed[image]] == [h.tokens for h in plain[image]]
        assert [h.score for h in mixed[image]] == pytest.approx([h.score for h in plain[image]])


@pytest.mark.parametrize("seed", range(5))
def test_a_constraint_that_cannot_be_met_gives_the_best_captions_without_it(seed):
    step, initial_state = toy_decoder(seed)
    state = initial_state(1)
    plain = beam_search(step, state, START, END, 3, 12, banned=[1])[0]
    # token 1 is banned, so no caption can contain it: the search goes on as the plain one, to the cap
    fallback = beam_search(step, state, START, END, 3, 12, banned=[1], constraints=[[{1}]])[0]
    assert len(fallback) == 3 and all(1 not in h.tokens for h in fallback)
    assert fallback[0].score >= plain[0].score - 1e-9
