import multiprocessing
import os

# Bind to the port the platform gives, 9000 by default.
bind = "0.0.0.0:" + os.environ.get("PORT", "9000")
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "uvicorn.workers.UvicornWorker"
accesslog = "-"
