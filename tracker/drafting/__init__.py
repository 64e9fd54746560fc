"""Writing next year's ITA analysis: the new results, drafted analysis and measures, the official document."""


def init_app(app) -> None:
    """Add `flask ita draft` to the importer's `flask ita` group."""
    from tracker.drafting.cli import draft_command
    from tracker.importer.cli import ita_cli

    ita_cli.add_command(draft_command)
