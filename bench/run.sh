#!/usr/bin/env bash
# The benchmark suite: builds the release binary, loads a data set through the bulk API at each
# scale, starts the server on loopback and drives it with wrk, then prints a Markdown table and
# appends it (with date, commit and machine) to bench/RESULTS.md.
#
#   bench/run.sh                                   # 10k, 100k and 1M cases on SQLite and PostgreSQL
#   bench/run.sh --scales 10k --backends sqlite    # a quick look
#   bench/run.sh --scales 50k --backends sqlite --duration 5 --no-append   # the issue-11 goal check
#   options: --scales LIST  --backends LIST  --duration SECONDS (10)  --connections N (32)
#            --no-append (print only)  --pg URL (admin URL; default postgres://postgres@127.0.0.1:5432/postgres)
#            --data DIR   keep loaded data sets in DIR (PostgreSQL: databases dossier_bench_<scale>) and
#                         measure a data set found there instead of loading it again; a data set is
#                         measured once (measuring writes to it), then loaded afresh next time
#            --load-only  load the data sets (into --data) without measuring: a 1M load takes long
#
# Same data, same concurrency and duration for every run. wrk runs on the same machine with 2
# threads; its CPU use is measured and printed next to each figure. Not part of the test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SCALES=10k,100k,1M
BACKENDS=sqlite,postgres
DURATION=10
CONNS=32
APPEND=1
DATA=
LOAD_ONLY=0
PG_ADMIN=${DOSSIER_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
while [ $# -gt 0 ]; do
    case $1 in
        --scales) SCALES=$2; shift 2 ;;
        --backends) BACKENDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNS=$2; shift 2 ;;
        --no-append) APPEND=0; shift ;;
        --pg) PG_ADMIN=$2; shift 2 ;;
        --data) DATA=$(realpath -m "$2"); shift 2 ;;
        --load-only) LOAD_ONLY=1; APPEND=0; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

[ "$LOAD_ONLY" = 1 ] && [ -z "$DATA" ] && { echo "--load-only needs --data DIR" >&2; exit 2; }
if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null 2>&1 ||
        { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null; }
fi
# The commit measured (and recorded with each data set this run loads).
COMMIT=$(git rev-parse --short HEAD)
[ -n "$(git status --porcelain --untracked-files=no)" ] && COMMIT="$COMMIT+changes"
echo "building the release binary" >&2
cargo build --release --quiet -p dossier
BIN=$ROOT/target/release/dossier
KEY=dsk_bench_key_000000000000000000000000000000000000000000000000000000000000
export BENCH_KEY=$KEY
PORT=${BENCH_PORT:-18100}
WORK=$(mktemp -d /tmp/dossier-bench.XXXXXX)
OUT=$WORK/results.md
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; }
trap cleanup EXIT

scale_n() { case $1 in *k) echo $((${1%k} * 1000)) ;; *M) echo $((${1%M} * 1000000)) ;; *) echo "$1" ;; esac; }
pg_url() { echo "${PG_ADMIN%/*}/$1"; }

# Lua scripts: every request unique, ids spread over the data set.
cat > "$WORK/common.lua" <<'LUA'
KEY = os.getenv("BENCH_KEY")
N = tonumber(os.getenv("BENCH_N"))
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init() math.randomseed(tid * 7919 + os.time()); counter = 0 end
function post(path, body)
  return wrk.format("POST", path, {["Content-Type"]="application/json", ["Authorization"]="Bearer " .. KEY}, body)
end
function get(path)
  return wrk.format("GET", path, {["Authorization"]="Bearer " .. KEY})
end
LUA
lua() { printf 'dofile("%s/common.lua")\nfunction request()\n  counter = counter + 1\n%s\nend\n' "$WORK" "$2" > "$WORK/$1.lua"; }
lua get         '  return get("/api/v1/cases/" .. math.random(N))'
lua create      '  return post("/api/v1/cases", "{\"title\":\"bench case\",\"severity\":\"high\",\"tags\":[\"bench\"]}")'
lua alert       '  return post("/api/v1/alerts", "{\"title\":\"bench alert\",\"source\":\"wrk\",\"source_ref\":\"s" .. tid .. "-" .. counter .. "-" .. os.time() .. "\"}")'
lua batch       '  local items = {}
  for i = 1, 1000 do items[i] = "{\"title\":\"batch alert\",\"source\":\"wrk-batch\",\"source_ref\":\"b" .. tid .. "-" .. counter .. "-" .. i .. "-" .. os.time() .. "\"}" end
  return post("/api/v1/alerts/batch", "{\"alerts\":[" .. table.concat(items, ",") .. "]}")'
lua observable  '  return post("/api/v1/cases/" .. math.random(N) .. "/observables", "{\"type\":\"domain\",\"value\":\"w" .. tid .. "-" .. counter .. "-" .. os.time() .. ".bench.example.org\"}")'
lua iris_ioc    '  return get("/case/ioc/list?cid=" .. (1 + 20 * math.random(0, math.floor((N - 1) / 20))))'

# Runs wrk; prints "req/s|p50|p99|wrk-cpu|failed" (failed: non-2xx answers and timeouts).
measure() {
    local out cpu
    # wrk's own 2 s timeout would drop slow responses from the latency figures; the server's
    # deadline is 30 s, so wait as long and count what still times out.
    out=$( { TIMEFORMAT='%U %S'; time wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 30s --latency "$@" 2>&1; } 2>&1 )
    cpu=$(printf '%s\n' "$out" | tail -n 1 | awk -v d="$DURATION" '{printf "%.2f", ($1 + $2) / d}')
    local rps p50 p99 bad
    rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
    p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
    p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
    bad=$(printf '%s\n' "$out" | awk '/Non-2xx/ {n += $NF} /Socket errors/ {split($0, a, "timeout "); n += a[2] + 0} END {print n + 0}')
    echo "${rps:-0}|${p50:--}|${p99:--}|$cpu|${bad:-0}"
}

# Starts the server; sets PID and STARTUP_MS (spawn to the first 200 from /readyz).
start_server() {
    local t0 t1
    t0=$(date +%s%N)
    "$BIN" "${DBARGS[@]}" serve --listen 127.0.0.1:$PORT > "$WORK/serve-$1.log" 2>&1 &
    PID=$!
    until curl -sf "127.0.0.1:$PORT/readyz" >/dev/null; do
        kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve-$1.log" >&2; exit 1; }
        sleep 0.002
    done
    t1=$(date +%s%N)
    STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

declare -A R
MEASURES=(list list_filtered get create alert batch observable search iris_cases iris_cases_deep iris_iocs iris_iocs_shared native_obs_shared tracecat_cases)
declare -A LABEL=(
    [list]="case list, page 50 (default sort)"
    [list_filtered]="case list, page 50, severity=high sorted by updated_at"
    [get]="case get (random id)"
    [create]="case create (durable)"
    [alert]="alert create, single"
    [batch]="alert batch ingest, 1,000 per request (alerts/s)"
    [observable]="observable add (new value, random case)"
    [search]="search (one word, all kinds)"
    [iris_cases]="IRIS case list, page 1 of 50 (/manage/cases/filter)"
    [iris_cases_deep]="IRIS case list, page 900 of 50 (the last page below 45,000 cases)"
    [iris_iocs]="IRIS IOC list of a case (/case/ioc/list)"
    [iris_iocs_shared]="IRIS IOC list of a case holding the IOC shared by 3,000 cases (50k+)"
    [native_obs_shared]="native observables of that case (/api/v1/cases/1/observables)"
    [tracecat_cases]="Tracecat case list, page 50 (/tracecat/workspaces/{id}/cases?limit=50)"
)

for backend in ${BACKENDS//,/ }; do
    for scale in ${SCALES//,/ }; do
        n=$(scale_n "$scale")
        export BENCH_N=$n
        dir=${DATA:-$WORK}/$backend-$scale
        db=dossier_bench_${scale,,}
        DBARGS=(--data-dir "$dir")
        [ "$backend" = postgres ] && DBARGS+=(--database-url "$(pg_url "$db")")
        if [ -n "$DATA" ] && [ -f "$dir/loaded.json" ] && [ ! -e "$dir/measured" ] &&
            { [ "$backend" = sqlite ] || [ "$(psql -Atq "$PG_ADMIN" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ]; }; then
            echo "== $backend, $scale cases: using the data set loaded earlier in $dir" >&2
            R[$backend,$scale,load]="$(cat "$dir/loaded.json") (loaded before this run, at commit $(cat "$dir/loaded-commit"))"
        else
            rm -rf "$dir"
            mkdir -p "$dir"
            if [ "$backend" = postgres ]; then
                PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
            fi
            echo "== $backend, $scale cases: loading" >&2
            DOSSIER_BOOTSTRAP_API_KEY=$KEY start_server load
            load=$(python3 bench/gen.py --url "http://127.0.0.1:$PORT" --key "$KEY" --cases "$n")
            R[$backend,$scale,load]=$load
            stop_server
            [ "$backend" = postgres ] && psql -q "$(pg_url "$db")" -c "VACUUM ANALYZE"
            printf '%s\n' "$load" > "$dir/loaded.json"
            echo "$COMMIT" > "$dir/loaded-commit"
        fi
        if [ "$LOAD_ONLY" = 1 ]; then
            continue
        fi
        touch "$dir/measured"
        # Start-up on the existing database: the median of three.
        s=()
        for i in 1 2 3; do
            start_server "start$i"
            s+=("$STARTUP_MS")
            [ $i -lt 3 ] && stop_server
        done
        R[$backend,$scale,startup]=$(printf '%s\n' "${s[@]}" | sort -n | sed -n 2p)
        R[$backend,$scale,idle_rss]=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)
        echo "== $backend, $scale cases: measuring" >&2
        H="Authorization: Bearer $KEY"
        B="http://127.0.0.1:$PORT"
        R[$backend,$scale,list]=$(measure -H "$H" "$B/api/v1/cases?limit=50")
        R[$backend,$scale,list_filtered]=$(measure -H "$H" "$B/api/v1/cases?limit=50&severity=high&sort=updated_at")
        R[$backend,$scale,get]=$(measure -s "$WORK/get.lua" "$B")
        R[$backend,$scale,search]=$(measure -H "$H" "$B/api/v1/search?q=ransomware")
        R[$backend,$scale,iris_cases]=$(measure -H "$H" "$B/manage/cases/filter?per_page=50&page=1")
        # Page 900 at 50 a page where it exists, else the last page; checked once for its
        # size and total before it is measured.
        # The total to expect is the native count (IRIS adds its own first case).
        curl -sf -H "$H" "$B/manage/cases/filter?per_page=1" >/dev/null
        cases=$(curl -sf -H "$H" "$B/api/v1/cases?limit=1&count=true" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
        deep=$(( (cases + 49) / 50 )); [ "$deep" -gt 900 ] && deep=900
        check=$(curl -sf -H "$H" "$B/manage/cases/filter?per_page=50&page=$deep" |
            python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(len(d["cases"]), d["total"])')
        want_rows=$(( cases - (deep - 1) * 50 )); [ "$want_rows" -gt 50 ] && want_rows=50
        [ "$check" = "$want_rows $cases" ] || { echo "IRIS page $deep: got rows/total '$check', want '$want_rows $cases'" >&2; exit 1; }
        R[$backend,$scale,deep_check]="page $deep: $want_rows rows, total $cases (checked)"
        R[$backend,$scale,iris_cases_deep]=$(measure -H "$H" "$B/manage/cases/filter?per_page=50&page=$deep")
        R[$backend,$scale,iris_iocs]=$(measure -s "$WORK/iris_ioc.lua" "$B")
        if [ "$n" -ge 50000 ]; then
            R[$backend,$scale,iris_iocs_shared]=$(measure -H "$H" "$B/case/ioc/list?cid=1")
            R[$backend,$scale,native_obs_shared]=$(measure -H "$H" "$B/api/v1/cases/1/observables")
        else
            R[$backend,$scale,iris_iocs_shared]="0|-|-|-|0"
            R[$backend,$scale,native_obs_shared]="0|-|-|-|0"
        fi
        ws=$(curl -sf -H "$H" "$B/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workspace"]["id"])')
        R[$backend,$scale,tracecat_cases]=$(measure -H "$H" "$B/tracecat/workspaces/$ws/cases?limit=50")
        R[$backend,$scale,create]=$(measure -s "$WORK/create.lua" "$B")
        R[$backend,$scale,alert]=$(measure -s "$WORK/alert.lua" "$B")
        R[$backend,$scale,observable]=$(measure -s "$WORK/observable.lua" "$B")
        R[$backend,$scale,batch]=$(measure -s "$WORK/batch.lua" "$B")
        R[$backend,$scale,peak_rss]=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$PID/status)
        stop_server
        if [ "$backend" = postgres ]; then
            R[$backend,$scale,size]=$(psql -Atq "$PG_ADMIN" -c "SELECT pg_database_size('$db') / 1048576")
            [ -z "$DATA" ] && psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
        else
            R[$backend,$scale,size]=$(( $(du -sb "$dir" | cut -f1) / 1048576 ))
        fi
        [ -z "$DATA" ] && rm -rf "$dir"
    done
done
[ "$LOAD_ONLY" = 1 ] && { echo "loaded into $DATA" >&2; exit 0; }

fmt_int() { printf "%'d" "$1" 2>/dev/null || echo "$1"; }
{
    echo "### $(date -u +%Y-%m-%d) · commit $COMMIT · $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo)"
    echo
    echo "wrk -t2 -c$CONNS -d${DURATION}s on the same machine (its CPU use, in cores, is shown as \"wrk\"); data loaded by bench/gen.py."
    for backend in ${BACKENDS//,/ }; do
        echo
        echo "**$backend**"
        echo
        header="| measure |"; sep="| --- |"
        for scale in ${SCALES//,/ }; do header+=" $scale cases |"; sep+=" --- |"; done
        echo "$header"; echo "$sep"
        for m in "${MEASURES[@]}"; do
            row="| ${LABEL[$m]} |"
            for scale in ${SCALES//,/ }; do
                IFS='|' read -r rps p50 p99 cpu bad <<<"${R[$backend,$scale,$m]}"
                [ "$m" = batch ] && rps=$((rps * 1000))
                cell="$(fmt_int "$rps")/s, p50 $p50, p99 $p99, wrk $cpu"
                [ "${bad:-0}" != 0 ] && cell+=", **$bad failed or timed out**"
                row+=" $cell |"
            done
            echo "$row"
        done
        for pair in "deep_check:IRIS deep page answer" "startup:start-up to ready on the loaded database (ms, median of 3)" "idle_rss:RSS after start-up (MB)" "peak_rss:peak RSS, whole run (MB)" "size:database size on disk (MB)" "load:data load (bench/gen.py)"; do
            key=${pair%%:*}; row="| ${pair#*:} |"
            for scale in ${SCALES//,/ }; do row+=" ${R[$backend,$scale,$key]} |"; done
            echo "$row"
        done
    done
    echo
} > "$OUT"
cat "$OUT"
if [ "$APPEND" = 1 ]; then
    [ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by `bench/run.sh`; newest last.\n\n' > bench/RESULTS.md
    echo >> bench/RESULTS.md
    cat "$OUT" >> bench/RESULTS.md
    echo "appended to bench/RESULTS.md" >&2
fi
