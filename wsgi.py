"""WSGI entry point: `gunicorn wsgi:app`. Never starts a scheduler; the
reminder jobs run in their own process (`flask --app wsgi reminders scheduler`)."""
from tracker import create_app, tune_garbage_collection

app = create_app()
tune_garbage_collection()
