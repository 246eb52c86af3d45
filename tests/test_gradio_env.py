"""Gradio's environment defaults (agents.config.apply_gradio_env_defaults): set before the queue
is built, an operator's own value kept, and read by the installed Gradio."""

from __future__ import annotations

import os

import pytest

from agents.config import GRADIO_ENV_DEFAULTS, apply_gradio_env_defaults

VAR = "GRADIO_ANALYTICS_CACHE_FREQUENCY"


def test_the_default_is_set_and_an_operators_value_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VAR, raising=False)
    apply_gradio_env_defaults()
    assert os.environ[VAR] == GRADIO_ENV_DEFAULTS[VAR] == "1000"
    monkeypatch.setenv(VAR, "7")
    apply_gradio_env_defaults()
    assert os.environ[VAR] == "7"


def test_the_installed_gradio_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Gradio upgrade that renames the variable would bring back a pandas summary of every
    # recorded event after each click; this catches it.
    import gradio as gr

    monkeypatch.delenv(VAR, raising=False)
    apply_gradio_env_defaults()
    with gr.Blocks() as demo:
        gr.Button("x")
    demo.queue()
    assert demo._queue.ANAYLTICS_CACHE_FREQUENCY == 1000
