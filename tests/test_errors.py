"""Domain errors that reach Flask become clear pages with their status, never a 500."""
import pytest
from flask import Blueprint

from tracker import create_app
from tracker.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def failing_client(tmp_path):
    """A separate app (no database needed) with routes that raise each kind of error."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=str(tmp_path))
    bp = Blueprint("failing_for_tests", __name__)
    errors = {"invalid": ValidationFailed("ข้อมูลไม่ถูกต้อง"), "conflict": Conflict("มีผู้แก้ไขก่อน"),
              "denied": PermissionDenied("ไม่มีสิทธิ์ทำรายการนี้"), "missing": NotFound("ไม่พบข้อมูล")}

    @bp.route("/_test_errors/<kind>")
    def fail(kind):
        raise errors[kind]

    app.register_blueprint(bp)
    return app.test_client()


@pytest.mark.parametrize("kind, status, text", [
    ("invalid", 400, "ข้อมูลไม่ถูกต้อง"), ("conflict", 409, "มีผู้แก้ไขก่อน"),
    ("denied", 403, "ไม่มีสิทธิ์ทำรายการนี้"), ("missing", 404, "ไม่พบข้อมูล"),
])
def test_domain_errors_become_pages(failing_client, kind, status, text):
    response = failing_client.get(f"/_test_errors/{kind}")
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
