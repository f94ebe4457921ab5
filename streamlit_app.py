"""The app: one page per RNN pattern, plus the model cards. Run with `make run`."""
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="RNNs at work", page_icon=str(Path(__file__).parent / "app" / "favicon.png"),
                   layout="wide")  # the icon is served by the app itself, not fetched from the web

pages = [
    st.Page("app/caption_page.py", title="Caption", icon=":material/image:", default=True),
    st.Page("app/sentiment_page.py", url_path="sentiment", title="Sentiment", icon=":material/mood:"),
    st.Page("app/ner_page.py", url_path="named-entities", title="Named entities", icon=":material/label:"),
    st.Page("app/translate_page.py", url_path="translate", title="Translate", icon=":material/translate:"),
    st.Page("app/nextword_page.py", url_path="next-word", title="Next word", icon=":material/keyboard:"),
    st.Page("app/music_page.py", url_path="music", title="Music", icon=":material/music_note:"),
    st.Page("app/forecast_page.py", url_path="forecast", title="Forecast", icon=":material/show_chart:"),
    st.Page("app/cells_page.py", url_path="inside-the-rnn", title="Inside the RNN", icon=":material/memory:"),
    st.Page("app/patterns_page.py", url_path="patterns", title="RNN patterns", icon=":material/account_tree:"),
    st.Page("app/gradient_lab_page.py", url_path="gradient-lab", title="Gradient lab", icon=":material/science:"),
    st.Page("app/models_page.py", url_path="models", title="Models", icon=":material/model_training:"),
]
st.navigation(pages).run()
