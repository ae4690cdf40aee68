#!/bin/sh
set -e
exec gunicorn app:app "$@"
