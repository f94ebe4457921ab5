# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run    serve the app on http://127.0.0.1:8501 with the committed models (no torch installed)
#   make test   install serving + training + test requirements and run the whole test suite
#   make bench  time the serving path against torch eager (python -m bench --quick for under a minute)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test data train-sentiment train-nextword train-caption train-gradlab evaluate bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.serve-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-train.txt requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.serve-installed
	-$(BIN)/python -m datafetch gallery
	$(BIN)/python -m streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT)

data: $(VENV)/.test-installed
	$(BIN)/python -m datafetch

test: $(VENV)/.test-installed
	$(BIN)/python -m datafetch sentiment nextword caption real-photos
	$(BIN)/python -m pytest

train-sentiment: data
	$(BIN)/python -m textmodels.train sentiment

train-nextword: data
	$(BIN)/python -m textmodels.train nextword

train-caption: data
	$(BIN)/python -m captioner.train

train-gradlab: $(VENV)/.test-installed
	$(BIN)/python -m gradlab.train

evaluate: data
	$(BIN)/python -m textmodels.evaluate sentiment
	$(BIN)/python -m textmodels.evaluate nextword
	$(BIN)/python -m captioner.evaluate
	$(BIN)/python -m captioner.real_photos

screenshots: $(VENV)/.test-installed
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py

clean:
	rm -rf $(VENV) .cache .pytest_cache

bench: $(VENV)/.test-installed
	$(BIN)/python -m datafetch caption gallery
	$(BIN)/python -m bench
