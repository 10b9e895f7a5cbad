#!/usr/bin/env bash
# Runs the IRIS compatibility scenarios: the real dfir-iris-client 2.0.4 against the real
# `dossier` binary, once on SQLite and once on PostgreSQL.
#
#   compat/iris/run.sh                 both backends (PostgreSQL needs DOSSIER_TEST_DATABASE_URL)
#   compat/iris/run.sh sqlite -k case  one backend, pytest arguments after it
#
# It makes its own virtual environment under target/iris-venv and builds the binary first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/iris-venv"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi
(cd "$root" && cargo build --quiet -p dossier)
export DOSSIER_BIN="$root/target/debug/dossier"

backends=(sqlite postgres)
if [ $# -gt 0 ] && { [ "$1" = sqlite ] || [ "$1" = postgres ]; }; then
    backends=("$1")
    shift
fi
status=0
for b in "${backends[@]}"; do
    if [ "$b" = postgres ] && [ -z "${DOSSIER_TEST_DATABASE_URL:-}" ]; then
        if [ "${CI:-}" = true ]; then
            echo "IRIS compatibility: DOSSIER_TEST_DATABASE_URL is not set, PostgreSQL cannot be tested" >&2
            exit 1
        fi
        echo "IRIS compatibility on PostgreSQL: SKIPPED (set DOSSIER_TEST_DATABASE_URL)"
        continue
    fi
    echo "== IRIS compatibility scenarios on $b =="
    DOSSIER_COMPAT_BACKEND="$b" "$venv/bin/python" -m pytest -q -s -p no:cacheprovider "$here" "$@" || status=1
done
exit $status
