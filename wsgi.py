"""WSGI entry point: `gunicorn wsgi:app`. Never starts a scheduler; the
reminder jobs run in their own process (`flask --app wsgi reminders scheduler`)."""
from tracker import create_app

app = create_app()
