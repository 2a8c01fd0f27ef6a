"""Shared pytest fixtures: the default language, one user per role, and the header's sweep check
remembered."""

import pytest
from django.utils import translation

from protection.models import Role

from . import factories as f


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request with the English cookie leaves
    English active in the thread (LocaleMiddleware does not switch back), and later tests that
    compare Spanish messages or dates then failed depending on the order they ran in."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def reception(db):
    return f.UserFactory(username="recepcion_t", role=Role.RECEPTION)


@pytest.fixture
def analyst(db):
    return f.UserFactory(username="analista_t", role=Role.ANALYST)


@pytest.fixture
def analyst2(db):
    return f.UserFactory(username="analista2_t", role=Role.ANALYST)


@pytest.fixture
def follow_up(db):
    return f.UserFactory(username="seguimiento_t", role=Role.FOLLOW_UP)


@pytest.fixture
def coordinator(db):
    return f.UserFactory(username="coordinacion_t", role=Role.COORDINATOR)


@pytest.fixture
def board_gov(db):
    return f.UserFactory(username="junta_gob_t", role=Role.BOARD_GOVERNMENT)


@pytest.fixture
def authority(db):
    return f.AuthorityFactory()


@pytest.fixture(autouse=True)
def _sweep_check_remembered():
    """background_delayed() (the header's "background work delayed" notice) remembers its sweep
    check for 30 s per process: a query-count test whose two requests straddled that window
    counted one query more, at random. Every test starts with the check remembered (no query);
    the tests of the check itself reset it."""
    from protection.deadlines import tasks

    saved = dict(tasks._sweep_seen)
    tasks._sweep_seen.update(at=float("inf"), stale=False)
    yield
    tasks._sweep_seen.update(saved)
