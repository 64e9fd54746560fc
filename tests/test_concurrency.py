"""Edit tokens are a pure fingerprint of the values a form edits (no application, no database)."""
from datetime import date
from decimal import Decimal

import pytest

from tracker.auth.models import Role
from tracker.concurrency import TOKEN_LENGTH, edit_token

STEP = dict(text="จัดทำแผน", due_date=date(2026, 3, 31), divisions=[2, 5])


def test_same_values_same_token_and_short():
    token = edit_token(STEP)
    assert token == edit_token(dict(reversed(list(STEP.items()))))  # key order does not matter
    assert len(token) == TOKEN_LENGTH and int(token, 16) >= 0


@pytest.mark.parametrize("change", [
    {"text": "จัดทำแผน "},
    {"due_date": date(2026, 4, 1)},
    {"divisions": [2]},
    {"divisions": [2, 5, 7]},
])
def test_any_edited_value_changes_the_token(change):
    assert edit_token(STEP | change) != edit_token(STEP)


def test_values_are_spelled_the_same_whichever_database_read_them():
    # SQLite and PostgreSQL return scores with different scales; sets have no order.
    assert edit_token({"score": Decimal("90.00")}) == edit_token({"score": Decimal("90")})
    assert edit_token({"score": Decimal("90.10")}) != edit_token({"score": Decimal("90.01")})
    assert edit_token({"ids": {3, 1, 2}}) == edit_token({"ids": [1, 2, 3]})
    assert edit_token({"role": Role.ADMIN}) == edit_token({"role": "admin"})
    assert edit_token({"score": None}) != edit_token({"score": Decimal("0")})


def test_unknown_kinds_of_value_are_refused_rather_than_guessed():
    with pytest.raises(TypeError):
        edit_token({"thing": object()})
