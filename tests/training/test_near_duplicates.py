"""The shared rule for twins across splits: normal forms, trigram Jaccard at 0.9, found through MinHash bands."""
import random

from training.near_duplicates import NEAR, TwinFinder, jaccard, normalise, trigrams, without_twins


def trigram_set(text: str) -> set[str]:
    """The rule written out plainly: a normal form's character trigrams, its ends marked."""
    padded = f" {normalise(text)} "
    return {padded[i:i + 3] for i in range(max(1, len(padded) - 2))}


def set_jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def test_normal_forms_drop_what_copies_of_a_text_differ_in():
    assert normalise("RT @ana: Loving #Paris!! http://t.co/x 2014") == "loving paris 0"
    assert normalise("Form:") == normalise("form") == "form"
    assert normalise("rt @bob I won 3.5 million") == normalise("I won 12 million!") == "i won 0 million"
    assert normalise("Start the art show") == "start the art show"  # "rt" inside words stays
    assert normalise("  ¡Hola,   señor! ") == "hola señor"
    assert normalise("RT: see WWW.Example.com/A and HTTPS://X.org") == normalise("see and") == "see and"  # any case


def test_twins_are_equal_normal_forms_or_near_trigram_sets():
    finder = TwinFinder(["Page width:", "And God said, Let there be light: and there was light.",
                         "I love this phone so much, best purchase ever"])
    assert finder.twin_of("page WIDTH") == 0
    assert finder.twin_of("And God said, Let there be light; and there was light!") == 1
    assert finder.twin_of("RT @x: I love this phone so much, best purchase ever!!! #happy") is None  # "happy" added
    assert finder.twin_of("I love this phone so much best purchase ever :)") == 2
    assert finder.twin_of("Page height:") is None
    assert finder.twin_of("a completely different sentence") is None


def test_the_banded_search_finds_every_pair_at_the_threshold_that_a_full_comparison_finds():
    rng = random.Random(0)
    words = "the a cat dog sat on mat ran far away home quickly slowly big small red blue".split()
    train = [" ".join(rng.choices(words, k=rng.randint(6, 14))) for _ in range(300)]
    tests = [text.replace(rng.choice(text.split()), rng.choice(words), 1) for text in rng.sample(train, 100)] + \
        [" ".join(rng.choices(words, k=10)) for _ in range(100)]
    finder = TwinFinder(train)
    grams = [trigram_set(t) for t in train]
    for text in tests:
        own = trigram_set(text)
        full = any(set_jaccard(own, g) >= NEAR for g in grams) or normalise(text) in {normalise(t) for t in train}
        assert finder.has_twin(text) == full, text


def test_trigrams_as_integers_keep_the_sets_and_their_similarity():
    texts = ["", "a", "ab", "Señor, ¡hola!", "the cat sat on the mat", "the cat sat on the hat", "日本語のテキスト"]
    for one in texts:
        assert len(trigrams(normalise(one))) == len(trigram_set(one)), one
        for other in texts:
            assert jaccard(trigrams(normalise(one)), trigrams(normalise(other))) == \
                set_jaccard(trigram_set(one), trigram_set(other)), (one, other)


def test_twins_are_dropped_and_counted():
    finder = TwinFinder(["Save as", "Open file"])
    kept, dropped = without_twins([("save as...", 1), ("Close", 2), ("open FILE", 3)], lambda item: item[0], finder)
    assert kept == [("Close", 2)] and dropped == 2
