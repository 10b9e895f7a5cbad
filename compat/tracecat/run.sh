#!/usr/bin/env bash
# The Tracecat scenarios: a plain HTTP client (httpx) as a Tracecat script uses the API, against
# the real `dossier` binary, on SQLite and on PostgreSQL (see compat/run-suite.sh).
#
#   compat/tracecat/run.sh                   both backends
#   compat/tracecat/run.sh sqlite -k paging  one backend, pytest arguments after it
exec "$(dirname "$0")/../run-suite.sh" tracecat "$@"
