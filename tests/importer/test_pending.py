"""Pending imports kept server-side: bound to one user of one organization, expiring, never a path."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tracker.importer import parse_text
from tracker.importer.pending import PendingImports

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    return PendingImports(tmp_path / "imports", max_age=timedelta(hours=24))


@pytest.fixture
def pending(store, seed_text):
    result = parse_text(seed_text)
    result.measures[0].steps[0].due = NOW.date()
    return store.create(organization_id=1, user_id=7, filename="ita.txt", result=result, now=NOW)


def test_a_pending_import_comes_back_exactly(store, pending):
    loaded = store.load(pending.token, organization_id=1, user_id=7, now=NOW + timedelta(hours=1))
    assert loaded.result.to_json(complete=True) == pending.result.to_json(complete=True)
    assert (loaded.filename, loaded.created_at) == ("ita.txt", NOW)
    assert loaded.result.warnings[0].code == "organization_spellings"


@pytest.mark.parametrize(("organization_id", "user_id"), [(2, 7), (1, 8)])
def test_it_belongs_to_its_user_and_organization(store, pending, organization_id, user_id):
    assert store.load(pending.token, organization_id=organization_id, user_id=user_id, now=NOW) is None
    assert store.load(pending.token, organization_id=1, user_id=7, now=NOW) is not None


def test_it_expires_and_expired_files_are_removed(store, pending, seed_text):
    fresh = store.create(organization_id=1, user_id=7, filename="", result=parse_text(seed_text),
                         now=NOW + timedelta(hours=20))
    later = NOW + timedelta(hours=25)
    assert store.remove_expired(later) == 1
    assert store.load(pending.token, organization_id=1, user_id=7, now=later) is None
    assert store.load(fresh.token, organization_id=1, user_id=7, now=later) is not None


def test_loading_an_expired_import_deletes_it(store, pending):
    assert store.load(pending.token, organization_id=1, user_id=7, now=NOW + timedelta(days=2)) is None
    assert not list(store.directory.glob("*.json"))


@pytest.mark.parametrize("token", ["../../etc/passwd", "", "a" * 10, "a/" + "b" * 40, "x" * 65])
def test_a_token_is_never_a_path(store, pending, token):
    assert store.load(token, organization_id=1, user_id=7, now=NOW) is None
    store.delete(token)  # does nothing
    assert len(list(store.directory.glob("*.json"))) == 1


def test_a_damaged_file_is_not_an_import(store, pending):
    (store.directory / f"{pending.token}.json").write_text("{not json", encoding="utf-8")
    assert store.load(pending.token, organization_id=1, user_id=7, now=NOW) is None
    assert store.remove_expired(NOW) == 1


def test_deleting_forgets_it(store, pending):
    store.delete(pending.token)
    assert store.load(pending.token, organization_id=1, user_id=7, now=NOW) is None
