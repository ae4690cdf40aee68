#!/bin/sh
poetry install
exec "$@"
