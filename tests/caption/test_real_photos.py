"""The everyday-photo check (training/caption/real_photos.py over serving/caption/gallery.py): its matching
rule, its reader, and guards on the committed model with 61 real photos it never saw: how many the served
caption names (docs/caption.md: measured), that the cat, coffee and motorcycle stay named, and that every
caption is well formed."""
from dataclasses import replace

import pytest

from datafetch.registry import Source
from serving.caption import gallery
from serving.caption.captioner import Captioner
from serving.caption.cnn_names import say_label
from serving.caption.gallery import KINDS, PHOTOS, RealPhoto
from tests.conftest import encoded, make_deb, make_tgz
from training.caption import real_photos
from training.caption.evaluate import PLAIN_PHRASES, SETTING_PHRASES
from training.caption.real_photos import accepted_names, names_subject

# Measured with the committed model on the 61 photos (docs/caption.md: everyday photos); raise them when a model
# does better.
SERVED_AT_LEAST = 26
WRONG_BACKGROUNDS_AT_MOST = 4
# Named by every committed model since CNN names came in (the decoder alone misses the cat and the motorcycle).
ALWAYS_NAMED = ("cat", "coffee", "motorcycle")
# The recognition layer (the detector and the CNN) on all 157 photos of the check, measured (docs/caption.md);
# raise them when it does better. Its people are the bar: named in 80% of the photos with people, a
# person where there is none in at most 10% of the others.
RECOGNISED_SUBJECTS_AT_LEAST = 94
RECOGNISED_SEVERAL_AT_LEAST = 22
RECOGNISED_PEOPLE_AT_LEAST = 0.8
PERSON_NOT_THERE_AT_MOST = 0.1


def test_names_are_matched_as_whole_words():
    names = {"moped", "motor scooter", "ping-pong ball"}
    assert names_subject("a moped on a brown background", names)
    assert names_subject("A Motor Scooter, on gravel", names)
    assert names_subject("a ping-pong ball next to a party horn", names)
    assert not names_subject("mopeds on a brown background", names)
    assert not names_subject("a scooter", names)


def test_breeds_count_through_their_imagenet_classes():
    labels = [f"class {i}" for i in range(1000)]
    labels[155] = "Shih-Tzu"
    labels[154] = "Pekinese, Pekingese, Peke"
    dog = next(photo for photo in PHOTOS if photo.title == "dog")
    names = accepted_names(dog, labels)
    assert {"dog", "puppy", "shih-tzu", "pekinese", "pekingese", "peke"} <= names and "class 300" not in names
    assert {"dogs", "puppies", "shih-tzus"} <= names  # "two dogs" names the dog
    assert names_subject("two puppies on the grass", names) and not names_subject("a dogfish", names)
    said = [f"said {i}" for i in range(1000)]
    said[154] = "pekingese"
    assert accepted_names(dog, ["x"] * 1000, said) >= {"dog", "pekingese"}  # the model's own name for a breed


def test_photos_are_read_out_of_wheel_tgz_and_deb(tmp_path, monkeypatch):
    from PIL import Image

    png = encoded(Image.new("RGB", (8, 8), "red"), "PNG")
    archives = {"deb": tmp_path / "x.deb", "tgz": tmp_path / "x.tgz"}
    archives["deb"].write_bytes(make_deb({"./usr/share/doc/x/data/a.png": png, "./usr/share/doc/x/data/b.png": b"-"}))
    archives["tgz"].write_bytes(make_tgz({"package/img-a/data/image.jpg": png}))
    sources = {kind: Source(kind, "apt", kind, path.name, "", "", "") for kind, path in archives.items()}
    monkeypatch.setattr(gallery, "fetch", lambda source: archives[source.name])
    photos = [RealPhoto("from deb", "food", sources["deb"], "usr/share/doc/x/data/a.png", ("a",)),
              RealPhoto("from tgz", "food", sources["tgz"], "img-a/data/image.jpg", ("a",))]
    assert gallery.photo_bytes(photos) == {"from deb": png, "from tgz": png}
    with pytest.raises(FileNotFoundError, match="missing one"):
        gallery.photo_bytes([*photos, replace(photos[0], title="missing one", member="nothing.png")])


@pytest.fixture(scope="module")
def captioner():
    return Captioner.load()


@pytest.fixture(scope="module")
def readings(captioner):
    return real_photos.read_photos(captioner)


def test_a_caption_is_judged_on_subject_setting_count_and_background():
    sheep = next(photo for photo in PHOTOS if photo.title == "sheep")
    names, judged = set(sheep.names), real_photos.Judgement
    assert real_photos.judge("a flock of sheep in a field", sheep, names) == judged(True, True, True, False)
    assert real_photos.judge("two lambs on the grass", sheep, names) == judged(True, True, True, False)
    assert real_photos.judge("a ram on a gray background", sheep, names) == judged(True, False, False, True)
    coins = next(photo for photo in PHOTOS if photo.title == "coins")  # plain background, no setting
    assert real_photos.judge("coins on a gray background", coins, set(coins.names)) == judged(True, None, True, False)


def test_the_check_has_people_alone_and_in_groups_and_at_least_120_photos():
    check = real_photos.CHECK_PHOTOS
    assert len({photo.title for photo in check}) == len(check) >= 120
    assert all(photo.kind in KINDS and photo.names for photo in check)
    assert sum(photo.people == 1 for photo in check) >= 10 and sum(photo.people >= 2 for photo in check) >= 20
    assert all(photo.plurals for photo in check if photo.several)


def test_a_caption_is_judged_on_naming_people_and_on_naming_a_person_who_is_not_there():
    astronaut = next(photo for photo in PHOTOS if photo.title == "astronaut")
    coffee = next(photo for photo in PHOTOS if photo.title == "coffee")
    assert real_photos.judge("a woman in a white suit", astronaut, set(astronaut.names)).people
    assert real_photos.judge("a close-up of a cement mixer", astronaut, set(astronaut.names)).people is False
    assert real_photos.judge("two people at a table", coffee, set(coffee.names)).wrong_person
    assert not real_photos.judge("a cup of coffee", coffee, set(coffee.names)).wrong_person


@pytest.fixture(scope="module")
def check_readings(captioner):
    return real_photos.read_photos(captioner, photos=real_photos.CHECK_PHOTOS)


@pytest.mark.slow  # the committed model and the detector read all 157 photos
def test_the_recognition_layer_names_people_and_sees_nobody_who_is_not_there(check_readings):
    total = real_photos.tally(check_readings)["all"]
    recognition = real_photos.READINGS.index("recognition")
    report = real_photos.rates(check_readings)
    assert total.people[recognition] >= RECOGNISED_PEOPLE_AT_LEAST * total.with_people, report
    assert total.wrong_person[recognition] <= PERSON_NOT_THERE_AT_MOST * (total.photos - total.with_people), report
    assert total.subject[recognition] >= RECOGNISED_SUBJECTS_AT_LEAST, report
    assert total.several[recognition] >= RECOGNISED_SEVERAL_AT_LEAST, report


def test_every_photo_says_what_a_good_caption_says():
    assert len({photo.title for photo in PHOTOS}) == len(PHOTOS) >= 60
    assert all(photo.kind in KINDS and photo.names for photo in PHOTOS)
    assert all(photo.plurals for photo in PHOTOS if photo.several)  # the plural a caption may use
    assert sum(bool(photo.setting) for photo in PHOTOS) >= 30 and sum(photo.several for photo in PHOTOS) >= 15


@pytest.mark.slow  # the committed model captions all 61 photos
def test_every_kind_has_photos_and_every_photo_is_read(readings):
    counts = real_photos.tally(readings)
    assert counts["all"].photos == len(PHOTOS) == 61
    assert all(counts[kind].photos >= 4 for kind in KINDS)


@pytest.mark.slow  # the committed model captions all 61 photos
def test_served_captions_name_more_photos_than_the_decoder_alone(readings):
    served, decoder, *_ = real_photos.tally(readings)["all"].subject
    assert served >= SERVED_AT_LEAST, real_photos.report(readings)
    assert served > decoder, real_photos.report(readings)


@pytest.mark.slow  # the committed model captions all 61 photos
def test_no_more_backgrounds_that_are_not_there(readings):
    assert real_photos.tally(readings)["all"].wrong_background[0] <= WRONG_BACKGROUNDS_AT_MOST, \
        real_photos.report(readings)


@pytest.mark.slow  # the committed model captions all 61 photos
def test_the_report_shows_every_photo_and_the_totals(readings):
    text = real_photos.report(readings)
    assert all(photo.title in text for photo in PHOTOS)
    assert any(line.split()[:2] == ["all", "61"] for line in text.splitlines())


@pytest.mark.slow  # the committed model captions all 61 photos
@pytest.mark.parametrize("title", ALWAYS_NAMED)
def test_the_cat_coffee_and_motorcycle_stay_named(readings, title):
    reading = next(r for r in readings if r.photo.title == title)
    assert reading.hits[0], reading.served


@pytest.mark.slow  # the committed model captions all 61 photos
def test_captions_are_well_formed(readings, captioner):
    names = captioner.imagenet_names  # the names the CNN can say: of each class, and the general ones
    phrases = captioner.artifact.file(captioner.artifact.manifest["cnn_names"]["objects_file"]).read_text()
    one_thing = set(phrases.splitlines()) | {" ".join(say_label(name)) for name in names.names + names.general}
    endings = {phrase.split()[-1] for phrase in SETTING_PHRASES + PLAIN_PHRASES}  # what the scenes taught
    for reading in readings:
        words = reading.served.split()
        assert 3 <= len(words) <= 20 and not any(w.startswith("<") for w in words), reading.served
        assert words[0] in {"a", "an", "the", "two", "three", "some", "our", "santa"}, reading.served
        if words[:3] == ["a", "close-up", "of"]:  # one thing filling the frame: no layout, no background
            assert " ".join(words[3:]) in one_thing, reading.served
        else:
            assert words[-1] in endings, reading.served
