graceful_timeout = 300
