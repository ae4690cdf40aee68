import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
graceful_timeout = 60
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "45"))
