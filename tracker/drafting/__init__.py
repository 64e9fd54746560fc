"""Writing next year's ITA analysis: the new results, drafted analysis and measures, the official document."""


def init_app(app) -> None:
    """Register the document pages, `flask ita draft` (in the importer's `flask ita` group) and the menu entry."""
    from flask_babel import lazy_gettext as _l

    from tracker.auth.models import Role
    from tracker.drafting.cli import draft_command
    from tracker.drafting.views import bp
    from tracker.importer.cli import ita_cli
    from tracker.navigation import NavItem, add_nav_item

    app.register_blueprint(bp)
    ita_cli.add_command(draft_command)
    add_nav_item(
        app,
        NavItem(_l("Write the ITA analysis report"), "drafting.index", frozenset({Role.ADMIN}), order=16),
        menu="admin",
    )
