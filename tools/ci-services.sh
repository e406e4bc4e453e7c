#!/usr/bin/env bash
# Start PostgreSQL, MariaDB and RabbitMQ if they are not running, and create
# the test accounts oslo.db's opportunistic tests expect
# (openstack_citest / openstack_citest, database openstack_citest). Install
# Debian's Chromium and its driver for the dashboard's browser tests
# (tests/functional/test_dashboard.py), and memcached for heat-store-dev
# --keystone's token cache (doc/source/admin/keystone.rst), if they are
# missing. Nothing here starts memcached: the development stack runs its
# own, on a port of its choosing.
set -uo pipefail

wait_for() {  # description, command...
    local what=$1; shift
    for _ in $(seq 1 60); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "ERROR: $what did not come up" >&2
    return 1
}

if ! pg_isready -q -h 127.0.0.1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
wait_for PostgreSQL pg_isready -q -h 127.0.0.1 || exit 1

if ! mysqladmin -uroot status >/dev/null 2>&1; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
wait_for MariaDB mysqladmin -uroot status || exit 1

if ! rabbitmqctl -q status >/dev/null 2>&1; then
    rabbitmq-server -detached
fi
wait_for RabbitMQ rabbitmqctl -q await_startup || exit 1

psql -q -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' || exit 1
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openstack_citest') THEN
    CREATE ROLE openstack_citest LOGIN SUPERUSER PASSWORD 'openstack_citest';
  END IF;
END $$;
SQL
psql -h 127.0.0.1 -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='openstack_citest'" | grep -q 1 ||
    psql -q -h 127.0.0.1 -U postgres -d postgres -c \
    "CREATE DATABASE openstack_citest OWNER openstack_citest" || exit 1

mysql -uroot <<'SQL' || exit 1
CREATE USER IF NOT EXISTS 'openstack_citest'@'localhost' IDENTIFIED BY 'openstack_citest';
CREATE USER IF NOT EXISTS 'openstack_citest'@'127.0.0.1' IDENTIFIED BY 'openstack_citest';
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'openstack_citest'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS openstack_citest;
FLUSH PRIVILEGES;
SQL
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    echo "installing chromium and chromium-driver ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q chromium chromium-driver; } \
        > /tmp/ci-chromium-install.log 2>&1 || {
        tail -n 20 /tmp/ci-chromium-install.log >&2
        echo "ERROR: cannot install chromium and chromium-driver" >&2
        exit 1
    }
fi
if [[ ! -x /usr/bin/memcached ]]; then
    echo "installing memcached ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q memcached; } \
        > /tmp/ci-memcached-install.log 2>&1 || {
        tail -n 20 /tmp/ci-memcached-install.log >&2
        echo "ERROR: cannot install memcached" >&2
        exit 1
    }
fi
/usr/bin/chromium --version >/dev/null 2>&1 || {
    echo "ERROR: /usr/bin/chromium does not run" >&2
    exit 1
}
echo "services ready: PostgreSQL, MariaDB, RabbitMQ, Chromium, memcached"
