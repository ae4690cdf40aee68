#!/bin/bash
set -euo pipefail
uv pip install -r requirements.txt
apt-get install -y jq
exec gunicorn app:app
