#!/usr/bin/env bash
# bench/load.sh — load-test standin's mock against Stoplight Prism and a trivial Go baseline, in one run.
#
# What it measures
#   Three servers answer the same requests on 127.0.0.1, one after the other, each under the same bounded wrk load
#   (default: wrk -t2 -c32 -d10s, after a 2 s warm-up):
#     baseline  bench/baseline: hand-written net/http handlers returning fixed JSON bodies (the floor)
#     standin   standin serve --api <name>           (one process per API, served at /)
#     prism     prism mock openapi/<name>.yaml       (one process per API; Prism's default --errors=false)
#   Cases:
#     patch    careCycle PATCH /v2/customers/campaign-status, valid body that also passes the mock's behaviour
#              (status "completed" for the fixture enrollment), x-api-key: cc_bench         -> 200 expected
#     list     CINNOX GET /v1/api/apps/app1/data/enquiry-detail?startAt&endAt&limit=50 (48-field records),
#              Authorization: Bearer t; standin runs with --records 60 so the page holds 50  -> 200 expected
#     list2    the same list with limit=2, the size of the example page Prism answers with (like for like)
#     dynamic  the same list with 'Prefer: dynamic=true' (generated data; standin and prism only) -> 200
#     invalid  careCycle PATCH with a bad uuid and a bad enum value (validation-error translation) -> 422
#   For every (case, server): one curl probe first (status, body bytes, list items), then wrk; it reports
#   requests/s, p50/p99 latency, non-2xx count and socket errors, and the RSS of the server process after the run
#   (ps -o rss=; RSS grows over the cases a process serves, so it is read after each). Ratios: req/s of standin
#   over prism and over baseline (>1: standin serves more), p50 likewise (<1: standin answers sooner).
#   Servers keep their default request logging (standin: one line per request; Prism: several per request at
#   info), written to files in the output folder and deleted at the end unless KEEP_LOGS=1. standin also
#   journals every request in its bounded ring — that is part of what is measured.
#   wrk and the servers share the machine's cores; compare ratios within one run, not figures across machines.
#
# Requirements
#   bash, go, curl, awk, ps; wrk (installed with apt-get when missing and running as root); Prism (installed
#   with `npm install --prefix $PRISM_DIR @stoplight/prism-cli` when missing and npm is present). The script says
#   what it installs, and exits with a clear message when a tool cannot be had (SKIP_PRISM=1 measures without
#   Prism). Nothing is installed into the repository.
#
# How to run (from anywhere; takes about 3 minutes)
#   bash bench/load.sh
#   DURATION=5s CONNS=16 bash bench/load.sh          # shorter / lighter
#   CASES="patch invalid" bash bench/load.sh         # a subset
# Settings (environment): DURATION (10s), WARMUP (2s), THREADS (2), CONNS (32), PORT_BASE (18090: uses
#   PORT_BASE..PORT_BASE+4), PRISM_DIR (/tmp/prism), PRISM_LOG (info: Prism's -v level), CASES
#   ("patch list list2 dynamic invalid"), OUT (a new folder under /tmp), KEEP_LOGS (0), SKIP_PRISM (0).
# The results table is printed and written to $OUT/results.md. Every process the script starts is stopped by
# its PID on exit (trap), also on Ctrl-C.
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
PORT_BASE=${PORT_BASE:-18090}
PRISM_DIR=${PRISM_DIR:-/tmp/prism}
PRISM_LOG=${PRISM_LOG:-info}
CASES=${CASES:-patch list list2 dynamic invalid}
KEEP_LOGS=${KEEP_LOGS:-0}
SKIP_PRISM=${SKIP_PRISM:-0}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/standin-bench.XXXXXX)}
mkdir -p "$OUT"

die() { echo "load.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

for c in $CASES; do
	case $c in patch | list | list2 | dynamic | invalid) ;; *) die "unknown case $c in CASES: expected patch, list, list2, dynamic, invalid" ;; esac
done

# ---- processes we start, stopped by PID on exit -------------------------------------------------------------
PIDS=()
cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || continue 2; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true # still running after 5 s
	done
	if [[ $KEEP_LOGS != 1 ]]; then rm -f "$OUT"/*.log; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# ---- requirements -------------------------------------------------------------------------------------------
for tool in go curl awk ps; do command -v "$tool" >/dev/null || die "$tool is required but not on PATH"; done

if ! command -v wrk >/dev/null; then
	command -v apt-get >/dev/null || die "wrk is missing and apt-get is not available: install wrk (https://github.com/wg/wrk) and rerun"
	[[ $(id -u) == 0 ]] || die "wrk is missing: install it (sudo apt-get install -y wrk) and rerun"
	say "wrk not found: installing it with apt-get"
	{ apt-get update -qq && apt-get install -y -qq wrk; } >"$OUT/apt.out" 2>&1 ||
		die "could not install wrk with apt-get (see $OUT/apt.out)"
fi

PRISM=""
if [[ $SKIP_PRISM != 1 ]]; then
	if command -v prism >/dev/null; then
		PRISM=$(command -v prism)
	elif [[ -x $PRISM_DIR/node_modules/.bin/prism ]]; then
		PRISM=$PRISM_DIR/node_modules/.bin/prism
	else
		command -v npm >/dev/null || die "Prism is missing and npm is not available: install Node.js/npm, or run with SKIP_PRISM=1"
		say "Prism not found: installing @stoplight/prism-cli into $PRISM_DIR with npm"
		npm install --prefix "$PRISM_DIR" --no-audit --no-fund @stoplight/prism-cli >"$OUT/npm.out" 2>&1 ||
			die "could not install Prism with npm (see $OUT/npm.out), or run with SKIP_PRISM=1"
		PRISM=$PRISM_DIR/node_modules/.bin/prism
	fi
fi

# ---- build ---------------------------------------------------------------------------------------------------
say "building standin and the baseline into $OUT"
(cd "$ROOT" && go build -o "$OUT/standin" ./cmd/standin && go build -o "$OUT/baseline" ./bench/baseline) ||
	die "go build failed"

# ---- servers -------------------------------------------------------------------------------------------------
P_BASELINE=$PORT_BASE
P_STANDIN_CC=$((PORT_BASE + 1))
P_STANDIN_CX=$((PORT_BASE + 2))
P_PRISM_CC=$((PORT_BASE + 3))
P_PRISM_CX=$((PORT_BASE + 4))

declare -A PID_OF=() # server key -> PID
declare -A FAILED=() # server key -> why it could not be measured

port_answers() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null; }

# start KEY PORT CMD...: runs CMD in the background, logging to $OUT/KEY.log, and waits (30 s at most) until
# PORT answers HTTP. Returns 1, with the reason in FAILED[KEY], when the process exits or never answers.
start() {
	local key=$1 port=$2 i
	shift 2
	if port_answers "$port"; then die "port $port is already in use: set PORT_BASE to a free range"; fi
	"$@" >>"$OUT/$key.log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	for ((i = 0; i < 60; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			FAILED[$key]="exited at start: $(tail -n 3 "$OUT/$key.log" | tr '\n' ' ' | cut -c1-300)"
			return 1
		fi
		if port_answers "$port"; then
			PID_OF[$key]=$pid
			return 0
		fi
		sleep 0.5
	done
	FAILED[$key]="did not answer on port $port within 30 s"
	return 1
}

say "starting servers"
start baseline "$P_BASELINE" "$OUT/baseline" --addr "127.0.0.1:$P_BASELINE" --items 50 || die "baseline: ${FAILED[baseline]}"
start standin-carecycle "$P_STANDIN_CC" "$OUT/standin" serve --api carecycle --addr "127.0.0.1:$P_STANDIN_CC" ||
	die "standin carecycle: ${FAILED[standin-carecycle]}"
start standin-cinnox "$P_STANDIN_CX" "$OUT/standin" serve --api cinnox --records 60 --addr "127.0.0.1:$P_STANDIN_CX" ||
	die "standin cinnox: ${FAILED[standin-cinnox]}"
if [[ -n $PRISM ]]; then
	start prism-carecycle "$P_PRISM_CC" "$PRISM" mock "$ROOT/openapi/carecycle.yaml" -h 127.0.0.1 -p "$P_PRISM_CC" -v "$PRISM_LOG" ||
		say "prism could not serve carecycle.yaml: ${FAILED[prism-carecycle]}"
	start prism-cinnox "$P_PRISM_CX" "$PRISM" mock "$ROOT/openapi/cinnox.yaml" -h 127.0.0.1 -p "$P_PRISM_CX" -v "$PRISM_LOG" ||
		say "prism could not serve cinnox.yaml: ${FAILED[prism-cinnox]}"
else
	FAILED[prism-carecycle]="skipped (SKIP_PRISM=1)"
	FAILED[prism-cinnox]="skipped (SKIP_PRISM=1)"
fi

# ---- requests ------------------------------------------------------------------------------------------------
CUSTOMER=87d8e330-2878-4742-a86f-dbbb3bf522ac
CAMPAIGN=13f8bf6d-dc27-4a04-bffe-6e5b13c19ddf
BODY_OK="{\"customerId\":\"$CUSTOMER\",\"campaignId\":\"$CAMPAIGN\",\"status\":\"completed\"}"
BODY_BAD="{\"customerId\":\"$CUSTOMER\",\"campaignId\":\"not-a-uuid\",\"status\":\"bogus\"}"
STATUS_PATH=/v2/customers/campaign-status
LIST_PATH="/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50"
LIST2_PATH=${LIST_PATH%limit=50}limit=2

# lua NAME METHOD BODY HEADER...: writes a wrk script setting the method, body and headers ("Name: value").
lua() {
	local name=$1 method=$2 body=$3 h
	shift 3
	{
		echo "wrk.method = \"$method\""
		if [[ -n $body ]]; then echo "wrk.body = [[$body]]"; fi
		for h in "$@"; do echo "wrk.headers[\"${h%%: *}\"] = \"${h#*: }\""; done
	} >"$OUT/$name.lua"
}
lua patch PATCH "$BODY_OK" "Content-Type: application/json" "x-api-key: cc_bench"
lua invalid PATCH "$BODY_BAD" "Content-Type: application/json" "x-api-key: cc_bench"
lua list GET "" "Authorization: Bearer t"
lua list2 GET "" "Authorization: Bearer t"
lua dynamic GET "" "Authorization: Bearer t" "Prefer: dynamic=true"

# case_path CASE, case_servers CASE, case_expect CASE, server_port SERVER CASE
case_path() { case $1 in patch | invalid) echo "$STATUS_PATH" ;; list2) echo "$LIST2_PATH" ;; *) echo "$LIST_PATH" ;; esac; }
case_servers() { case $1 in dynamic) echo "standin prism" ;; *) echo "baseline standin prism" ;; esac; }
case_expect() { case $1 in invalid) echo 422 ;; *) echo 200 ;; esac; }
server_key() { # SERVER CASE -> process key
	local api=carecycle
	case $2 in list | list2 | dynamic) api=cinnox ;; esac
	case $1 in baseline) echo baseline ;; *) echo "$1-$api" ;; esac
}
key_port() {
	case $1 in
	baseline) echo "$P_BASELINE" ;; standin-carecycle) echo "$P_STANDIN_CC" ;; standin-cinnox) echo "$P_STANDIN_CX" ;;
	prism-carecycle) echo "$P_PRISM_CC" ;; prism-cinnox) echo "$P_PRISM_CX" ;;
	esac
}

# probe CASE URL: one request with curl, as wrk sends it; prints "status bytes items".
probe() {
	local c=$1 url=$2 args=()
	case $c in
	patch) args=(-X PATCH -H "Content-Type: application/json" -H "x-api-key: cc_bench" --data "$BODY_OK") ;;
	invalid) args=(-X PATCH -H "Content-Type: application/json" -H "x-api-key: cc_bench" --data "$BODY_BAD") ;;
	list | list2) args=(-H "Authorization: Bearer t") ;;
	dynamic) args=(-H "Authorization: Bearer t" -H "Prefer: dynamic=true") ;;
	esac
	local file=$OUT/probe.body status bytes items
	status=$(curl -s -o "$file" -w '%{http_code}' --max-time 10 "${args[@]}" "$url") || status=000
	bytes=$(wc -c <"$file" | tr -d ' ')
	items=$({ grep -o '"_id"' "$file" || true; } | wc -l | tr -d ' ')
	echo "$status $bytes $items"
}

# to_ms VALUE: wrk latency (e.g. 850.00us, 1.23ms, 1.01s) in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

RESULTS=$OUT/results.tsv
printf 'case\tserver\tstatus\tbytes\titems\tavg_read\trps\tp50\tp99\tnon2xx\terrors\trss_mib\n' >"$RESULTS"

for c in $CASES; do
	path=$(case_path "$c")
	for s in $(case_servers "$c"); do
		key=$(server_key "$s" "$c")
		if [[ -z ${PID_OF[$key]:-} ]]; then
			printf '%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t%s\t-\n' "$c" "$s" "not measured: ${FAILED[$key]:-not started}" >>"$RESULTS"
			continue
		fi
		url="http://127.0.0.1:$(key_port "$key")$path"
		read -r status bytes items < <(probe "$c" "$url")
		say "$c / $s: probe answered $status ($bytes bytes, $items list items; expected $(case_expect "$c")); wrk $DURATION"
		wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$OUT/$c.lua" "$url" >/dev/null 2>&1 || true
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$OUT/$c.lua" "$url" >"$OUT/wrk-$c-$s.txt" 2>&1 ||
			die "wrk failed for $c / $s: $(tail -n 3 "$OUT/wrk-$c-$s.txt")"
		w=$OUT/wrk-$c-$s.txt
		rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$w")
		p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$w")")
		p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$w")")
		non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$w")
		# mean bytes read per response, headers included: "N requests in 10.00s, 1.23MB read"
		avg=$(awk '/ requests in / {
			n = $1; r = $5; u = r; sub(/^[0-9.]+/, "", u); sub(/read$/, "", u); b = r + 0
			if (u == "KB") b *= 1024; else if (u == "MB") b *= 1048576; else if (u == "GB") b *= 1073741824
			if (n > 0) printf "%.0f", b / n }' "$w")
		errors=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); gsub(/, /, ","); print}' "$w")
		rss=$(ps -o rss= -p "${PID_OF[$key]}" | awk '{printf "%.1f", $1 / 1024}')
		if [[ $c == patch || $c == invalid ]]; then items=-; fi
		if [[ $status != "$(case_expect "$c")" ]]; then status="$status (expected $(case_expect "$c"))"; fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$s" "$status" "$bytes" "$items" "${avg:--}" "$rps" "$p50" "$p99" \
			"${non2xx:-0}" "${errors:-none}" "$rss" >>"$RESULTS"
	done
done

# ---- report --------------------------------------------------------------------------------------------------
{
	echo "# standin load run $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), memory $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}'), kernel $(uname -r)"
	echo "- versions: $(go version | awk '{print $3}'), standin $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown), $(wrk -v 2>&1 | awk 'NR == 1 {print $1, $2}'), prism $(if [[ -n $PRISM ]]; then "$PRISM" --version 2>/dev/null; else echo "not used"; fi), node $(node --version 2>/dev/null || echo none)"
	echo "- load: wrk -t$THREADS -c$CONNS -d$DURATION --latency (after a $WARMUP warm-up), all on 127.0.0.1; Prism log level $PRISM_LOG"
	echo
	echo "| case | server | probe status | probe body bytes | items | mean bytes read/resp | req/s | p50 ms | p99 ms | non-2xx | socket errors | RSS MiB after |"
	echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
	awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12}' "$RESULTS"
	echo
	echo "Ratios (req/s: >1 means standin serves more; p50: <1 means standin answers sooner):"
	echo
	echo "| case | standin/prism req/s | standin/prism p50 | standin/baseline req/s | standin/baseline p50 |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	awk -F'\t' '
		NR > 1 { rps[$1 "/" $2] = $7; p50[$1 "/" $2] = $8; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
		function ratio(a, b) { return (a + 0 > 0 && b + 0 > 0) ? sprintf("%.2f", a / b) : "-" }
		END {
			for (i = 1; i <= n; i++) {
				c = order[i]; base = c; if (c == "dynamic") base = "list"
				printf "| %s | %s | %s | %s | %s |\n", c,
					ratio(rps[c "/standin"], rps[c "/prism"]), ratio(p50[c "/standin"], p50[c "/prism"]),
					ratio(rps[c "/standin"], rps[base "/baseline"]), ratio(p50[c "/standin"], p50[base "/baseline"])
			}
		}' "$RESULTS"
	echo
	echo "(dynamic has no baseline row: its standin/baseline ratios use the baseline's static list. Probe columns"
	echo "come from one curl request before the run; generated lists vary in length from one response to the next,"
	echo "so compare the mean bytes read per response, which wrk measures over the whole run.)"
} >"$OUT/results.md"

# ---- instructions per request and Stripe's document (optional parts) -------------------------------------------
# INSTR=1 (default when valgrind, hey and the shared instr-per-req.sh are present): CPU instructions per request
# of the patch case, standin (default logging, and --log-level error) against the bare baseline, under callgrind.
# STRIPE=1 (default when Stripe's description is in the Go module cache): bench/stripe.sh on the standin built
# here (start to first answer, start CPU, CPU per 2xx and per documented 404, peak RSS).
INSTR_TOOL=${INSTR_TOOL:-$ROOT/../shared/tools/instr-per-req.sh}
INSTR=${INSTR:-auto}
STRIPE=${STRIPE:-auto}
if [[ $INSTR != 0 ]] && [[ -x $INSTR_TOOL ]] && command -v valgrind >/dev/null && command -v hey >/dev/null; then
	say "instructions per request (callgrind; about a minute per server)"
	printf '%s' "$BODY_OK" >"$OUT/patch.json"
	{
		echo
		echo "Instructions per request, careCycle PATCH $STATUS_PATH (callgrind, 500 requests after 100; same run):"
		echo
		echo '| server | instructions/request |'
		echo '| --- | ---: |'
		for srv in "baseline:$OUT/baseline --items 50" "standin:$OUT/standin serve --api carecycle --seed 1" \
			"standin --log-level error:$OUT/standin serve --api carecycle --seed 1 --log-level error"; do
			name=${srv%%:*}
			line=$(PEER_DIR="$OUT/instr" "$INSTR_TOOL" -n "${name// /_}" -m PATCH -u "$STATUS_PATH" -b "$OUT/patch.json" \
				-H 'x-api-key: cc_bench' -w 100 -N 500 -- "${srv#*:} --addr 127.0.0.1:{PORT}" 2>/dev/null | tail -n 1)
			echo "| $name | $(sed -n 's/.*ir_per_req=\([0-9]*\).*/\1/p' <<<"$line") |"
		done
	} >>"$OUT/results.md"
elif [[ $INSTR == 1 ]]; then
	die "INSTR=1 needs valgrind, hey and $INSTR_TOOL"
fi
STRIPE_SPEC=${STRIPE_SPEC:-$(go env GOMODCACHE)/github.com/stripe/stripe-mock@v0.203.0/embedded/openapi/spec3.json}
if [[ $STRIPE != 0 ]] && [[ -f $STRIPE_SPEC ]] && command -v hey >/dev/null; then
	say "Stripe's description (bench/stripe.sh)"
	{
		echo
		echo "Stripe's description (7.7 MB, 594 operations), bench/stripe.sh:"
		echo
		SPEC=$STRIPE_SPEC PORT=$((PORT_BASE + 5)) bash "$ROOT/bench/stripe.sh" "$OUT/standin"
	} >>"$OUT/results.md"
elif [[ $STRIPE == 1 ]]; then
	die "STRIPE=1 needs hey and $STRIPE_SPEC (go mod download github.com/stripe/stripe-mock@v0.203.0)"
fi

cat "$OUT/results.md"
echo
say "raw wrk output and results in $OUT"
