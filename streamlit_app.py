"""The app: one page per RNN pattern, plus the model cards. Run with `make run`."""
import streamlit as st

st.set_page_config(page_title="RNNs at work", page_icon="\U0001F501", layout="wide")

pages = [
    st.Page("app/sentiment_page.py", title="Sentiment", icon="\U0001F642", default=True),
    st.Page("app/models_page.py", title="Models", icon="\U0001F4CB"),
]
st.navigation(pages).run()
