#!/usr/bin/env bash
# The IRIS compatibility scenarios: the real dfir-iris-client 2.0.4 against the real `dossier`
# binary, on SQLite and on PostgreSQL (see compat/run-suite.sh).
#
#   compat/iris/run.sh                  both backends
#   compat/iris/run.sh sqlite -k cases  one backend, pytest arguments after it
exec "$(dirname "$0")/../run-suite.sh" iris "$@"
