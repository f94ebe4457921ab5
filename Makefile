# Two commands do all set-up on a fresh Debian machine with Python 3.11:
#   make run        serve the app on http://127.0.0.1:8501 with the committed models (no torch installed)
#   make test       install serving + training + test requirements and run the whole test suite
#   make serve      the HTTP API on Ray Serve at http://127.0.0.1:8000 (docs at /docs; serve.yaml sets replicas)
#   make test-fast  the tests that take under a minute together (no browser, no training runs)
#   make bench      time the serving path against torch eager (python -m bench --quick: about a minute)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# The project itself, editable, for the `rnnapp` command (pyproject.toml); its requirements come pinned first.
INSTALL_PROJECT := $(BIN)/python -m pip install --quiet --no-deps --editable .

.PHONY: run serve test test-fast data train-detector train-sentiment train-nextword train-caption train-ner train-translate train-gradlab train-music train-forecast train-cells evaluate bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.serve-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(INSTALL_PROJECT)
	touch $@

$(VENV)/.scale-installed: requirements.txt requirements-scale.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-scale.txt
	$(INSTALL_PROJECT)
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-train.txt requirements-scale.txt requirements-test.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	$(INSTALL_PROJECT)
	touch $@

run: $(VENV)/.serve-installed
	-$(BIN)/python -m datafetch gallery forecast cells
	$(BIN)/python -m streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT)

serve: $(VENV)/.scale-installed
	$(BIN)/rnnapp serve --config serve.yaml

data: $(VENV)/.test-installed
	$(BIN)/python -m datafetch

test: $(VENV)/.test-installed
	$(BIN)/python -m datafetch sentiment nextword caption real-photos translate forecast cells
	$(BIN)/python -m pytest

test-fast: $(VENV)/.test-installed
	$(BIN)/python -m datafetch sentiment nextword caption real-photos forecast cells
	$(BIN)/python -m pytest -m "not slow and not browser"

# The TF.js detector's conversion runs in its own TensorFlow environment (requirements-convert.txt).
.venv-convert/.installed: requirements-convert.txt
	$(PYTHON) -m venv .venv-convert
	.venv-convert/bin/python -m pip install --quiet -r requirements-convert.txt
	touch $@

train-detector: $(VENV)/.test-installed .venv-convert/.installed
	$(BIN)/python -m training.train detector

train-sentiment: data
	$(BIN)/python -m training.train sentiment

train-nextword: data
	$(BIN)/python -m training.train nextword

train-caption: data
	$(BIN)/python -m training.train caption

train-ner: data
	$(BIN)/python -m training.train ner

train-translate: data
	$(BIN)/python -m training.train translate

train-gradlab: $(VENV)/.test-installed
	$(BIN)/python -m training.train gradlab

train-music: $(VENV)/.test-installed
	$(BIN)/python -m datafetch music
	$(BIN)/python -m training.train music

train-forecast: $(VENV)/.test-installed
	$(BIN)/python -m datafetch forecast
	$(BIN)/python -m training.train forecast

train-cells: $(VENV)/.test-installed
	$(BIN)/python -m datafetch cells
	$(BIN)/python -m training.train cells

evaluate: data
	$(BIN)/python -m training.evaluate sentiment
	$(BIN)/python -m training.evaluate ner
	$(BIN)/python -m training.evaluate translate
	$(BIN)/python -m training.evaluate nextword
	$(BIN)/python -m training.evaluate caption
	$(BIN)/python -m training.evaluate real-photos

screenshots: $(VENV)/.test-installed
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/app/test_browser.py

clean:
	rm -rf $(VENV) .venv-convert .cache .pytest_cache *.egg-info

bench: $(VENV)/.test-installed
	$(BIN)/python -m datafetch caption gallery
	$(BIN)/python -m bench
