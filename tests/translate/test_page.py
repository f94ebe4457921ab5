"""The Translate page through Streamlit's AppTest: the pattern named, examples, the translation first,
the attention heatmap, the n-best list, the beam slider and Apertium beside it when installed."""
from streamlit.testing.v1 import AppTest

from serving.translate.apertium import apertium_installed
from tests.conftest import REPO_ROOT


def translate_page() -> AppTest:
    return AppTest.from_file(str(REPO_ROOT / "app" / "translate_page.py"), default_timeout=60)


def test_empty_state_invites_input_and_names_the_pattern():
    app = translate_page().run()
    assert not app.exception
    assert "encoder-decoder" in app.markdown[0].value and "lengths differ" in app.markdown[0].value
    assert "Type an English sentence" in app.info[0].value


def test_the_lectures_example_is_translated_with_its_alignment_and_n_best_list():
    app = translate_page().run()
    app.get("button_group")[0].set_value("How are you?").run()
    assert not app.exception and not app.error
    shown = app.get("html")[0].proto.body
    assert "font-size:1.6rem" in shown and len(shown) > 70  # the translation, first and big
    assert len(app.get("vega_lite_chart")) == 1  # the attention heatmap
    assert len(app.dataframe[0].value) == 4  # the n-best list at the default beam of 4
    peer = [c.value for c in app.caption if "Apertium" in c.value or "a new Apertium process" in c.value]
    if apertium_installed():
        assert any("a new Apertium process" in c for c in peer) and len(app.get("html")) >= 2
    else:
        assert any("Not installed" in c for c in peer)
    assert "Execution provider" in app.caption[-1].value


def test_the_beam_slider_sets_the_length_of_the_n_best_list():
    app = translate_page()
    app.session_state["translate_text"] = "Select the cells that you want to delete."
    app.run()
    app.slider(key="translate_beam").set_value(1).run()
    assert not app.exception and len(app.dataframe[0].value) == 1
    app.slider(key="translate_beam").set_value(7).run()
    assert len(app.dataframe[0].value) == 7


def test_user_text_is_escaped_never_html():
    app = translate_page()
    app.session_state["translate_text"] = "<script>alert('x')</script> Open <b>the</b> file."
    app.run()
    assert not app.exception
    assert all("<script>alert" not in h.proto.body for h in app.get("html")[:2])
