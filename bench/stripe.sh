#!/usr/bin/env bash
# bench/stripe.sh — start time, peak RSS and per-request CPU of `standin serve` on Stripe's 7.7 MB description.
#
# For each standin binary given (default: one built from this checkout), one after the other:
#   start   wall time from launch to the first answer of GET /v1/customers, and the CPU (user+sys) the process
#           used until then (on a loaded machine wall time moves a lot; CPU time much less)
#   2xx     server CPU per request of GET /v1/customers (N requests, 2 connections, hey)
#   404     server CPU per request of GET /v1/customers/cus_123 under --strict-ids (a documented error answer)
#   rss     peak RSS of the process (VmHWM) after those requests
# Usage: bash bench/stripe.sh [BINARY...]     Settings: SPEC (Stripe's spec3.json from the Go module cache),
#   N (200), PORT (18190). Requires curl, hey and awk. Every server started is stopped by its PID.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPEC=${SPEC:-$(go env GOMODCACHE)/github.com/stripe/stripe-mock@v0.203.0/embedded/openapi/spec3.json}
N=${N:-200}
PORT=${PORT:-18190}
[[ -f $SPEC ]] || { echo "stripe.sh: $SPEC not found: go mod download github.com/stripe/stripe-mock@v0.203.0" >&2; exit 1; }
for t in curl hey awk; do command -v $t >/dev/null || { echo "stripe.sh: $t is required" >&2; exit 1; }; done
BINS=("$@")
if [[ ${#BINS[@]} == 0 ]]; then
	(cd "$ROOT" && go build -o /tmp/standin-stripe-bench ./cmd/standin)
	BINS=(/tmp/standin-stripe-bench)
fi
PID=""
trap '[[ -n $PID ]] && kill $PID 2>/dev/null || true' EXIT
TCK=$(getconf CLK_TCK)
cpu() { awk -v t="$TCK" '{printf "%.3f", ($14+$15)/t}' /proc/$1/stat; }
AUTH="Authorization: Bearer sk_test_123"
printf '| binary | start wall s | start CPU s | 2xx CPU ms/req | 404 CPU ms/req | 404 body bytes | peak RSS MiB |\n|---|---|---|---|---|---|---|\n'
for bin in "${BINS[@]}"; do
	s=$(date +%s%N)
	"$bin" serve --spec "$SPEC" --strict-ids --seed 1 --addr 127.0.0.1:$PORT >/dev/null 2>&1 &
	PID=$!
	until curl -s -o /dev/null -H "$AUTH" "http://127.0.0.1:$PORT/v1/customers"; do
		kill -0 $PID 2>/dev/null || { echo "stripe.sh: $bin exited at start" >&2; exit 1; }
		sleep 0.02
	done
	e=$(date +%s%N)
	startcpu=$(cpu $PID)
	c0=$(cpu $PID)
	hey -n "$N" -c 2 -H "$AUTH" "http://127.0.0.1:$PORT/v1/customers" >/dev/null
	c1=$(cpu $PID)
	hey -n "$N" -c 2 -H "$AUTH" "http://127.0.0.1:$PORT/v1/customers/cus_123" >/dev/null
	c2=$(cpu $PID)
	bytes=$(curl -s -H "$AUTH" "http://127.0.0.1:$PORT/v1/customers/cus_123" | wc -c)
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "http://127.0.0.1:$PORT/v1/customers/cus_123")
	rss=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$PID/status)
	kill $PID; wait $PID 2>/dev/null || true; PID=""
	awk -v b="$bin" -v w=$(((e - s) / 1000000)) -v sc="$startcpu" -v c0="$c0" -v c1="$c1" -v c2="$c2" -v n="$N" \
		-v by="$bytes" -v code="$code" -v r="$rss" 'BEGIN { printf "| %s | %.2f | %s | %.2f | %.2f (%s) | %s | %s |\n", b, w/1000, sc, (c1-c0)*1000/n, (c2-c1)*1000/n, code, by, r }'
done
