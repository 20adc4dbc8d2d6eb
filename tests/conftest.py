"""Shared test setup: every test starts, and leaves, with a new default graph."""

import pytest

import minigraph as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()
