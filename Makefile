# Two commands do all the set-up on a fresh machine:
#   make train   creates .venv, installs requirements.txt, places the data, trains the final cat
#                classifier on all training images and reports its test accuracy
#   make test    the same set-up, then lint and the whole test suite, the notebooks in their
#                quick mode (under a minute on 2 cores)
# Also: make notebook (re-run and save both notebooks), make notebook-check (run them in full on
# copies, as CI does), make search (rerun the model search, about ten minutes), make benchmark.
PYTHON ?= python3
VENV ?= .venv
DATA_SRC ?= ../shared/datasets
DATA_FILES = datasets/train_catvnoncat.h5 datasets/test_catvnoncat.h5
BIN = $(VENV)/bin

.PHONY: train test lint notebook notebook-check search benchmark data venv

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Copy the cat images from DATA_SRC when they are not in datasets/ yet (see README: Getting the data).
data: $(DATA_FILES)
datasets/%.h5:
	@mkdir -p datasets
	@if [ -f "$(DATA_SRC)/$*.h5" ]; then cp "$(DATA_SRC)/$*.h5" $@; \
	else echo "warning: $(DATA_SRC)/$*.h5 not found; see README.md, 'Getting the data'" >&2; fi

train: venv data
	$(BIN)/python -m cat_cli $(ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: venv data lint
	$(BIN)/python -m pytest

notebook: venv data
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace cat-vs-non-cat.ipynb
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace beyond-cats.ipynb

notebook-check: venv data
	CAT_NOTEBOOK_FULL=1 $(BIN)/python -m pytest tests/test_notebook.py

search: venv data
	$(BIN)/python -m cat_cli search --output docs/cat_search.json $(ARGS)

benchmark: venv data
	$(BIN)/python benchmarks/benchmark.py $(ARGS)
