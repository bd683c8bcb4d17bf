"""WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from backend.app import create_app

app = create_app()
