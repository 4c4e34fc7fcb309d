# make help lists the targets. Two commands do all the set-up on a fresh machine:
#   make train   creates .venv, installs requirements.txt, trains the final cat classifier on all
#                training images and reports its test accuracy (the cat files: README, "Getting
#                the data")
#   make test    the same set-up, then lint and the whole test suite, both notebooks in a quick
#                mode (about a minute on 2 cores)
PYTHON ?= python3
VENV ?= .venv
# Where to copy the cat files from into datasets/ when they are not there yet: DATA_SRC=folder
# (and only there, when given), else $CAT_DATA_DIR, else ../shared/datasets (where the project's
# own machines keep them).
DATA_SRC ?=
DATA_DIRS = $(strip $(if $(DATA_SRC),$(DATA_SRC),$(CAT_DATA_DIR) ../shared/datasets))
DATA_FILES = datasets/train_catvnoncat.h5 datasets/test_catvnoncat.h5
BIN = $(VENV)/bin

.PHONY: help train test lint notebook notebook-check search benchmark benchmark-check data venv

help:
	@echo "make train            set up, train the chosen cat classifier, report its test accuracy"
	@echo "                      (flags: make train ARGS=\"--seed 3\"; ARGS=\"--help\" lists them)"
	@echo "make test             set up, ruff, the whole test suite, both notebooks in a quick mode"
	@echo "make notebook         re-run both notebooks and save them with their outputs"
	@echo "make notebook-check   run both notebooks in full on copies and check them (CI does)"
	@echo "make benchmark        time model() against PyTorch and scikit-learn (docs/performance.md)"
	@echo "make benchmark-check  a tiny run of every benchmark workload (CI runs it in make test)"
	@echo "make search           rerun the cat model search (minutes: the record keeps its time) into docs/cat_search.json"
	@echo "make venv, make data  only the set-up: .venv from requirements.txt; the cat files"
	@echo "                      into datasets/ (make data DATA_SRC=/folder/with/the/h5/files)"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# The cat files go in datasets/ (git-ignored), copied from the first of DATA_DIRS that has them.
data: $(DATA_FILES)
datasets/%.h5:
	@mkdir -p datasets
	@for dir in $(DATA_DIRS); do \
	  if [ -f "$$dir/$*.h5" ]; then cp "$$dir/$*.h5" $@ && echo "copied $$dir/$*.h5" && exit 0; fi; \
	done; \
	echo "note: datasets/$*.h5 is missing and not in: $(DATA_DIRS). Put it in datasets/, or run make with DATA_SRC=/folder/with/it (README.md, 'Getting the data')" >&2

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

benchmark-check: venv data
	BENCHMARK_SMOKE=1 $(BIN)/python -m pytest tests/test_benchmark.py
