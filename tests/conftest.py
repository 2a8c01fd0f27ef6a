"""Shared pytest fixtures: the default language, one user per role, the header's sweep check
remembered, and the case page's records read only as loaded."""

import pytest
from django.db.models import Model
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.utils import translation

from cases import views as case_views
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


_LOADED_FOR_CASE_PAGE = "_loaded_for_case_page"


def _mark(value):
    """Mark the records case_records() returned, the objects joined to them and their prefetched
    rows."""
    if isinstance(value, dict):
        for item in value.values():
            _mark(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _mark(item)
    elif isinstance(value, Model) and not getattr(value, _LOADED_FOR_CASE_PAGE, False):
        setattr(value, _LOADED_FOR_CASE_PAGE, True)
        _mark(list(value._state.fields_cache.values()))
        for rows in getattr(value, "_prefetched_objects_cache", {}).values():
            _mark(list(rows))


@pytest.fixture(autouse=True)
def _case_page_reads_only_what_it_loaded(monkeypatch):
    """The case page loads only the fields it shows (cases.timeline: the *_FIELDS lists, issue
    17). Reading another field of those records, or a relation they did not join, would cost a
    query per row; in every test that opens a case page (or its older timeline entries) it fails
    here instead, naming the field."""
    loaded = case_views.case_records

    def case_records(*args, **kwargs):
        records = loaded(*args, **kwargs)
        _mark(records)
        return records

    refresh = Model.refresh_from_db
    get_object = ForwardManyToOneDescriptor.get_object

    def strict_refresh(self, *args, **kwargs):
        if getattr(self, _LOADED_FOR_CASE_PAGE, False):
            fields = kwargs.get("fields") or (args[1] if len(args) > 1 else None)
            raise AssertionError(
                f"the case page read {type(self).__name__}.{fields}, which case_records() did "
                "not load: add it to its *_FIELDS list in cases/timeline.py"
            )
        return refresh(self, *args, **kwargs)

    def strict_get_object(self, instance):
        if getattr(instance, _LOADED_FOR_CASE_PAGE, False):
            raise AssertionError(
                f"the case page read {type(instance).__name__}.{self.field.name}, which "
                "case_records() did not join: add it to its select_related in cases/timeline.py"
            )
        return get_object(self, instance)

    monkeypatch.setattr(case_views, "case_records", case_records)
    monkeypatch.setattr(Model, "refresh_from_db", strict_refresh)
    monkeypatch.setattr(ForwardManyToOneDescriptor, "get_object", strict_get_object)
