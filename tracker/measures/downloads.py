"""Evidence files sent to a browser, safely: shown inline only by the browser's own viewers."""
from __future__ import annotations

from flask import abort, current_app, send_file

from . import evidence
from .models import Evidence

# Evidence is shown by the browser's own PDF and image viewers: they may embed
# the file, but nothing served from there may run a script on our origin.
EVIDENCE_CSP = "; ".join([
    "default-src 'none'",
    "img-src 'self'",
    "object-src 'self'",
    "style-src 'unsafe-inline'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
])


def send_evidence(item: Evidence, *, download: bool = False, max_age: int = 0, name: str | None = None):
    """The stored file of `item`, shown inline when the browser's own viewer is
    safe for its type, with headers that stop it from running anything on our
    origin. 404 when the file is missing on disk. `name` replaces the file's
    own name (the public page masks personal data in it)."""
    path = evidence.stored_path(current_app.instance_path, item.stored_name)
    if path is None or not path.is_file():
        current_app.logger.error("evidence %s: file %s is missing", item.id, item.stored_name)
        abort(404)
    kind = next((k for k in evidence.KINDS.values() if k.content_type == item.content_type), None)
    inline = bool(kind and kind.inline) and not download
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not inline,
        download_name=evidence.display_name(name or item.original_name),
        conditional=True,
        etag=item.sha256,
        max_age=max_age,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = EVIDENCE_CSP
    return response


def send_file_of_organization(model, ident: int, organization_id: int, *, download: bool = False):
    """A stored file (evidence, a thread's attachment) for signed-in users of its organization only; 404 otherwise."""
    from ..scoping import get_in_org_or_404

    item = get_in_org_or_404(model, ident, organization_id)
    response = send_evidence(item, download=download, max_age=0)
    response.cache_control.private = True
    return response
