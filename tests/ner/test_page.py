"""The Named entities page through Streamlit's AppTest: examples, the tagged text, probabilities and losses."""
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT


def ner_page() -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app" / "ner_page.py"), default_timeout=60)


def test_empty_state_invites_input_and_names_the_pattern():
    app = ner_page().run()
    assert not app.exception
    assert "Many-to-many, one output per word" in app.markdown[0].value
    assert "Type a sentence" in app.info[0].value


def test_an_example_is_tagged_in_place_with_probabilities_and_losses():
    app = ner_page().run()
    app.get("button_group")[0].set_value("Angela Merkel met Emmanuel Macron in Paris to talk about the European "
                                         "Union.").run()
    assert not app.exception and not app.error
    marked = app.get("html")[0].proto.body
    assert ">Angela Merkel <small" in marked and ">Paris <small" in marked and marked.count("<mark") >= 3
    assert len(app.get("vega_lite_chart")) == 2  # the tag probabilities per word, the per-word losses
    assert any(m.value.startswith("**Total loss = ") for m in app.markdown)
    assert "Execution provider" in app.caption[-1].value


def test_the_lecture_examples_are_scored_against_the_lectures_answer_and_misses_are_said():
    from app.ner_page import LECTURE_TAGS
    from serving.ner.tagger import EntityTagger

    tagger = EntityTagger.load()
    for text, right in LECTURE_TAGS.items():
        app = ner_page().run()
        app.get("button_group")[0].set_value(text).run()
        [result] = tagger.tag([text])
        total = next(m.value for m in app.markdown if m.value.startswith("**Total loss = "))
        assert not app.exception and total.endswith(f"= {sum(tagger.crf.losses(result, right)[0]):.2f}**")
        missed = [w.text for w, tag in zip(result.words, right) if w.tag != tag]
        said = [w.value for w in app.warning if w.value.startswith("The model gets")]
        assert said == ([f"The model gets {', '.join(missed)} wrong here: the lecture's answer and the model's "
                         "tags differ, and those words carry most of the loss."] if missed else [])


def test_marking_a_right_tag_changes_the_total_loss():
    app = ner_page()
    app.session_state["ner_text"] = "Bob told Ahmed that pizza is delivered"
    app.run()
    before = next(m.value for m in app.markdown if m.value.startswith("**Total loss = "))
    app.session_state["ner_marks"] = {"edited_rows": {1: {"right tag": "B-ORG"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    after = next(m.value for m in app.markdown if m.value.startswith("**Total loss = "))
    assert not app.exception and before != after
    assert float(after.split("= ")[-1].rstrip("*")) > float(before.split("= ")[-1].rstrip("*"))


def test_where_no_name_is_found_the_likeliest_words_and_the_lectures_answer_are_said():
    from app.ner_page import why_no_names
    from serving.ner.tagger import EntityTagger

    tagger = EntityTagger.load()
    lecture, plain = tagger.tag(["Dhaval loves baby yoda", "it rained all day"])
    assert "The lecture's answer: Dhaval \\(person\\); baby yoda \\(person\\)" in why_no_names(lecture)  # markdown-escaped
    said = why_no_names(plain)
    assert said.startswith("**No names found**") and "lecture" not in said
