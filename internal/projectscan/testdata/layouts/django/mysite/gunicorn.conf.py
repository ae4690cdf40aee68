# gunicorn reads this file from the working directory by default.
bind = ["0.0.0.0:8000"]
workers = 4
timeout = 60
