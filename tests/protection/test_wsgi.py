"""The WSGI module sets the worker up as the benchmark measured it: the start-up objects frozen
out of the garbage collector, and the youngest generation collected less often."""

import gc

import pytest


@pytest.fixture
def gc_state():
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)


def test_the_worker_collects_the_youngest_generation_less_often_and_keeps_the_others(gc_state):
    from protection import wsgi

    gc.set_threshold(700, 11, 12)
    wsgi.raise_gc_threshold()
    assert gc.get_threshold() == (wsgi.GC_YOUNGEST_THRESHOLD, 11, 12)
    assert wsgi.GC_YOUNGEST_THRESHOLD > 700


def test_the_wsgi_module_freezes_the_start_up_objects():
    from protection import wsgi  # noqa: F401

    assert gc.get_freeze_count() > 0
