#!/usr/bin/env bash
# Quick figures on the demo data set: start-up, RSS, list/get/create/observable/search
# throughput and latency, and a 100 MB upload. Not the benchmark suite (no scaling, no results
# table); it needs wrk (Debian package) and a release build.
#
#   cargo build --release -p dossier
#   bench/quick.sh target/release/dossier                                   # SQLite in a temp dir
#   ANALYZE_URL=postgres://postgres@127.0.0.1:5432/db \
#     bench/quick.sh target/release/dossier --database-url postgres://postgres@127.0.0.1:5432/db --data-dir /tmp/x
#
# The PostgreSQL database must exist and be empty. wrk runs on the same machine as the server.
set -euo pipefail
BIN=$1; shift
KEY=dsk_bench_key_000000000000000000000000000000000000000000000000000000000000
PORT=18099
export DOSSIER_BOOTSTRAP_API_KEY=$KEY BENCH_KEY=$KEY
WORK=$(mktemp -d)
DATA=$WORK/data
mkdir -p "$DATA"
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(--data-dir "$DATA")
"$BIN" "${ARGS[@]}" demo >/dev/null
start=$(date +%s%N)
"$BIN" "${ARGS[@]}" serve --listen 127.0.0.1:$PORT > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf localhost:$PORT/readyz >/dev/null; do sleep 0.002; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
echo "startup to /readyz 200: ${ready} ms (includes process exec and migration check); server log: $(grep -o 'startup_ms=[0-9]*' "$DATA/serve.log")"
sleep 1
echo "idle RSS: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
H="Authorization: Bearer $KEY"
run() { wrk -t2 -c32 -d10s --latency -H "$H" "$@" 2>&1 | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" | tr -s ' ' | paste -sd' '; }
echo "GET /api/v1/cases?limit=50:          $(run "http://127.0.0.1:$PORT/api/v1/cases?limit=50")"
echo "GET /api/v1/cases?severity=high&sort=updated_at: $(run "http://127.0.0.1:$PORT/api/v1/cases?limit=50&severity=high&sort=updated_at")"
echo "GET /api/v1/cases/1:                  $(run "http://127.0.0.1:$PORT/api/v1/cases/1")"
cat > $WORK/create.lua <<LUA
KEY = os.getenv("BENCH_KEY")
request = function()
  return wrk.format("POST", "/api/v1/cases", {["Content-Type"]="application/json", ["Authorization"]="Bearer " .. KEY}, '{"title":"bench case","severity":"high","tags":["bench"]}')
end
LUA
echo "POST /api/v1/cases (durable):         $(run -s $WORK/create.lua "http://127.0.0.1:$PORT")"
cat > $WORK/obs.lua <<LUA
local counter = 0
local id = 0
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
init = function() id = tid end
KEY = os.getenv("BENCH_KEY")
request = function()
  counter = counter + 1
  local body = '{"type":"domain","value":"h' .. id .. '-' .. counter .. '.bench.example.com","tlp":"amber"}'
  return wrk.format("POST", "/api/v1/cases/1/observables", {["Content-Type"]="application/json", ["Authorization"]="Bearer " .. KEY}, body)
end
LUA
echo "POST observable (new value each):     $(run -s $WORK/obs.lua "http://127.0.0.1:$PORT")"
echo "GET /api/v1/search?q=example-cdn (right after the bulk writes):  $(run "http://127.0.0.1:$PORT/api/v1/search?q=example-cdn")"
if [ -n "${ANALYZE_URL:-}" ]; then psql "$ANALYZE_URL" -q -c "ANALYZE"; echo "(ANALYZE run)"; fi
echo "GET /api/v1/search?q=example-cdn:     $(run "http://127.0.0.1:$PORT/api/v1/search?q=example-cdn")"
echo "GET /api/v1/search?q=198.51.100.23:   $(run "http://127.0.0.1:$PORT/api/v1/search?q=198.51.100.23")"
echo "RSS after load: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB, peak $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB"
head -c 100000000 /dev/urandom > $WORK/100mb.bin
before=$(grep VmHWM /proc/$PID/status | awk '{print $2}')
t0=$(date +%s%N)
code=$(curl -s -o $WORK/up.json -w '%{http_code}' -H "$H" -F file=@$WORK/100mb.bin -F description=bench "http://127.0.0.1:$PORT/api/v1/cases/1/evidence")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
after=$(grep VmHWM /proc/$PID/status | awk '{print $2}')
echo "upload 100 MB: HTTP $code in ${ms} ms = $(( 100000 / (ms > 0 ? ms : 1) )) MB/s; peak RSS before ${before} kB, after ${after} kB; sha256 ok: $(python3 -c "import json,hashlib;print(json.load(open('$WORK/up.json'))['sha256']==hashlib.sha256(open('$WORK/100mb.bin','rb').read()).hexdigest())")"
du -sh "$DATA" | awk '{print "data dir: "$1}'
kill $PID; wait $PID 2>/dev/null || true
rm -rf "$WORK"
