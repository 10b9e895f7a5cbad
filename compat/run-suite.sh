#!/usr/bin/env bash
# Runs one API's client scenarios (compat/<suite>/, pytest) against the real `dossier` binary,
# once on SQLite and once on PostgreSQL.
#
#   compat/run-suite.sh iris                 both backends (PostgreSQL needs DOSSIER_TEST_DATABASE_URL)
#   compat/run-suite.sh tracecat sqlite -k x one backend, pytest arguments after it
#
# Each suite gets its own virtual environment under target/<suite>-venv, made from the
# suite's pinned requirements.txt; the binary is built first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
suite="${1:?usage: compat/run-suite.sh SUITE [sqlite|postgres] [pytest args]}"
shift
dir="$here/$suite"
[ -f "$dir/requirements.txt" ] || { echo "no suite $suite" >&2; exit 2; }
venv="$root/target/$suite-venv"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$dir/requirements.txt" "$stamp"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$dir/requirements.txt"
    cp "$dir/requirements.txt" "$stamp"
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
            echo "$suite compatibility: DOSSIER_TEST_DATABASE_URL is not set, PostgreSQL cannot be tested" >&2
            exit 1
        fi
        echo "$suite compatibility on PostgreSQL: SKIPPED (set DOSSIER_TEST_DATABASE_URL)"
        continue
    fi
    echo "== $suite compatibility scenarios on $b =="
    DOSSIER_COMPAT_BACKEND="$b" "$venv/bin/python" -m pytest -q -s -p no:cacheprovider "$dir" "$@" || status=1
done
exit $status
