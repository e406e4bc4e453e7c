#!/usr/bin/env bash
# Heat as operators run it, with heat-store installed by its documented
# steps: heat-api under gunicorn (several workers), two heat-engine
# processes, RabbitMQ (a vhost of its own) and MariaDB (a database of its
# own), all on 127.0.0.1. See doc/source/admin/deploy.rst.
#
#   tools/deploy-production.sh start --dir /tmp/heat-prod
#   tools/deploy-production.sh status --dir /tmp/heat-prod
#   tools/deploy-production.sh kill-engines --dir /tmp/heat-prod    # SIGKILL
#   tools/deploy-production.sh start-engines --dir /tmp/heat-prod
#   tools/deploy-production.sh stop --dir /tmp/heat-prod --purge
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/setup-venv.sh" --test   # gunicorn is in test-requirements.txt
exec "$top/.venv/bin/python" "$top/tools/deploy_production.py" "$@"
