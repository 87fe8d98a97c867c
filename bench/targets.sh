#!/usr/bin/env bash
# bench/targets.sh — issue 12's start-up, pinned-load and state figures, each printed beside its reference,
# measured in one run.
#
# Usage: bash bench/targets.sh [BINARY...]
#   With no BINARY, standin is built from this checkout. The start and dynamic sections measure every BINARY given
#   (alternating, e.g. main's build and a branch's); the other sections use the last one.
#
# Sections (SECTIONS, default "start pinned instr dynamic state"):
#   start    `standin serve` with no document (the three bundled APIs): wall time and CPU time (the process's
#            threads, from /proc/PID/task/*/schedstat) from launch to the first answer, median of REPEAT starts,
#            the binaries and the bare baseline (bench/baseline --items 0: nothing rendered at start) alternating.
#            Then the peak RSS (VmHWM) of each binary serving the three APIs after LOAD_DURATION of wrk on the
#            assign PATCH and as long on the CINNOX list, and the baseline's under the same load. Targets: start
#            <= 100 ms, peak RSS <= 40 MB.
#   pinned   careCycle `PATCH /v2/inquiries/{id}/assign` (`standin serve --api carecycle`, default request log to
#            a file, validation, state, journal) against the baseline's fixed answer: the server pinned to core 0
#            (taskset -c 0), wrk to core 1 (-t1 -cCONNS -dDURATION --latency), ROUNDS rounds alternating baseline
#            and standin; median req/s and p99, and the median of each round's p99 ratio to the bare round just
#            before it. Targets: req/s ratio >= 0.5, p99 <= 2 x bare. Both servers run with GODEBUG=gctrace=1:
#            the collections in the rounds, the median wall time of a collection's concurrent marking and the
#            share of the loaded time spent collecting are printed for each (no target: they explain the p99).
#            A third server, the baseline built with -tags baselinelibs (it links kin-openapi, gofakeit and
#            regexp2 and calls none of them), runs in the same rounds: what those libraries' package data costs
#            a bare server under the collector.
#   instr    CPU instructions per request of that PATCH, the baseline and every BINARY, with instr-per-req.sh (callgrind;
#            INSTR_TOOL, by default ../shared/tools/instr-per-req.sh next to the repository). Target <= 130,000.
#   dynamic  CINNOX `GET .../enquiry-detail?...&limit=50` with `Prefer: dynamic=true` (`--records 60`) against the
#            baseline's 50-record page, pinned as above, for every BINARY; the records per answer are printed
#            (standin before the dynamic pages answered one). Target: req/s ratio >= 0.2.
#   state    `standin serve --api cinnox --fixtures DIR` with STATE_N enquiries in one collection (written by
#            bench/bigfixtures), for every BINARY: start to the first answer of a 50-record page and the peak RSS
#            then and after STATE_REQS more pages, against the last binary with the bundled 16 enquiries. Targets
#            (100,000 records): start <= 2 s, RSS <= 400 MB.
#
# Settings (environment): SECTIONS, REPEAT (7), LOAD_DURATION (3s), DURATION (5s), ROUNDS (5), CONNS (16),
#   INSTR_N (16000: a collection costs the PATCH about 12M instructions, so at 4,000 requests one more or less
#   in the counted window moved the figure by 3k; at 16,000 by under 1k), INSTR_TOOL, INSTR_GODEBUG (asyncpreemptoff=1,cpu.rdtscp=off: valgrind 3.19 lacks RDTSCP),
#   STATE_N (100000), STATE_REQS (50), STATE_FLAGS (more bigfixtures flags, such as -unique: no string value
#   shared between records), PORT_BASE (18290: uses PORT_BASE..+5),
#   OUT (a new folder under /tmp; logs deleted at the end unless KEEP_LOGS=1).
# Requires go, curl, wrk, hey, awk, taskset (and valgrind for instr) and 2 cores or more. Every server is
# started on 127.0.0.1 and stopped by its PID, also on Ctrl-C; loads run under nice -n 10.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECTIONS=${SECTIONS:-start pinned instr dynamic state}
REPEAT=${REPEAT:-7}
LOAD_DURATION=${LOAD_DURATION:-3s}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-16}
INSTR_N=${INSTR_N:-16000}
INSTR_TOOL=${INSTR_TOOL:-$ROOT/../shared/tools/instr-per-req.sh}
STATE_N=${STATE_N:-100000}
STATE_REQS=${STATE_REQS:-50}
STATE_FLAGS=${STATE_FLAGS:-}
PORT_BASE=${PORT_BASE:-18290}
KEEP_LOGS=${KEEP_LOGS:-0}
OUT=${OUT:-$(mktemp -d /tmp/standin-targets.XXXXXX)}
mkdir -p "$OUT"

die() { echo "targets.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }
has() { [[ " $SECTIONS " == *" $1 "* ]]; }

for s in $SECTIONS; do
	case $s in start | pinned | instr | dynamic | state) ;; *) die "unknown section $s in SECTIONS: expected start, pinned, instr, dynamic, state" ;; esac
done
for t in go curl wrk hey awk taskset; do command -v $t >/dev/null || die "$t is required but not on PATH"; done
[[ $(nproc) -ge 2 ]] || die "the pinned figures need 2 cores (server on core 0, wrk on core 1); nproc says $(nproc)"
if has instr; then
	[[ -x $INSTR_TOOL ]] || die "instr needs $INSTR_TOOL (the shared instr-per-req.sh next to the repository; set INSTR_TOOL, or leave instr out of SECTIONS)"
	command -v valgrind >/dev/null || die "instr needs valgrind (apt-get install -y valgrind), or leave instr out of SECTIONS"
fi

# ---- processes we start, stopped by PID ----------------------------------------------------------------------
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [[ $KEEP_LOGS != 1 ]]; then rm -rf "$OUT"/*.log "$OUT/big"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# ---- build ---------------------------------------------------------------------------------------------------
BINS=("$@")
say "building the baseline (and standin when no binary is given) into $OUT"
(cd "$ROOT" && go build -o "$OUT/baseline" ./bench/baseline && go build -tags baselinelibs -o "$OUT/baseline-libs" ./bench/baseline &&
	go build -o "$OUT/bigfixtures" ./bench/bigfixtures) || die "go build failed"
if [[ ${#BINS[@]} == 0 ]]; then
	(cd "$ROOT" && go build -o "$OUT/standin" ./cmd/standin) || die "go build failed"
	BINS=("$OUT/standin")
fi
for b in "${BINS[@]}"; do [[ -x $b ]] || die "$b is not an executable"; done
STANDIN=${BINS[-1]}

# ---- helpers -------------------------------------------------------------------------------------------------
# cpu_ms PID: CPU time of every thread of PID so far, in ms (scheduler statistics: nanoseconds, not ticks).
cpu_ms() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.1f", s / 1e6}'; }
hwm_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' /proc/"$1"/status; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
port_free() { ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null; }

# launch NAME CMD...: starts CMD in the background (stdout and stderr to $OUT/NAME.log), sets PID and S (ns).
launch() {
	local name=$1
	shift
	S=$(date +%s%N)
	"$@" >>"$OUT/$name.log" 2>&1 &
	PID=$!
	PIDS+=("$PID")
}
# ready URL [HEADER...]: waits (60 s at most) for URL to answer with curl, any status; sets WALL_MS and CPU_MS.
ready() {
	local url=$1 i e
	shift
	local args=()
	for h in "$@"; do args+=(-H "$h"); done
	for ((i = 0; i < 12000; i++)); do
		if curl -s -o /dev/null --max-time 5 "${args[@]}" "$url" 2>/dev/null; then
			e=$(date +%s%N)
			CPU_MS=$(cpu_ms "$PID")
			WALL_MS=$(awk -v d=$((e - S)) 'BEGIN {printf "%.1f", d / 1e6}')
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || die "the server exited at start: $(tail -n 3 "$OUT"/*.log | tr '\n' ' ' | cut -c1-400)"
		sleep 0.005
	done
	die "no answer from $url within 60 s"
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }

# wrk_lua NAME METHOD BODY HEADER...: a wrk script setting the method, body and headers.
wrk_lua() {
	local name=$1 method=$2 body=$3 h
	shift 3
	{
		echo "wrk.method = \"$method\""
		[[ -z $body ]] || echo "wrk.body = [[$body]]"
		for h in "$@"; do echo "wrk.headers[\"${h%%: *}\"] = \"${h#*: }\""; done
	} >"$OUT/$name.lua"
}
# to_ms VALUE: a wrk latency (850.00us, 1.23ms, 1.01s) in ms.
to_ms() {
	awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.3f", n }'
}
# gc_share LOG LOADED_MS: from the gctrace lines in LOG ("gc N @Ts P%: A+B+C ms clock, ..."), prints the number
# of collections, the median concurrent-mark wall time B in ms, and the share of LOADED_MS spent in A+B+C in %.
gc_share() {
	local phases
	phases=$(sed -n 's/^gc [0-9]* @[0-9.]*s [0-9]*%: \([0-9.]*\)+\([0-9.]*\)+\([0-9.]*\) ms clock.*/\1 \2 \3/p' "$1")
	if [[ -z $phases ]]; then
		echo "0 - 0"
		return
	fi
	echo "$(wc -l <<<"$phases" | tr -d ' ') $(awk '{print $2}' <<<"$phases" | median)" \
		"$(awk -v loaded="$2" '{t += $1 + $2 + $3} END {printf "%.1f", 100 * t / loaded}' <<<"$phases")"
}
# pinned_round LUA URL: one wrk run on core 1 against the server already pinned to core 0; prints "rps p99_ms".
pinned_round() {
	local lua=$1 url=$2 w=$OUT/wrk.txt
	nice -n 10 taskset -c 1 wrk -t1 -c"$CONNS" -d1s -s "$OUT/$lua.lua" "$url" >/dev/null 2>&1 || true # warm-up
	nice -n 10 taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$OUT/$lua.lua" "$url" >"$w" 2>&1 ||
		die "wrk failed on $url: $(tail -n 3 "$w")"
	if grep -q "Non-2xx" "$w"; then die "non-2xx answers from $url: $(grep Non-2xx "$w")"; fi
	echo "$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$w") $(to_ms "$(awk '$1 == "99%" {print $2}' "$w")")"
}

INQUIRY=497f6eca-6276-4993-bfeb-53cbbbba6f08
ASSIGN=/v2/inquiries/$INQUIRY/assign
ASSIGN_BODY='{"assignedTo":"7869c1a9-a680-4086-b6f5-9e78a651f6f2"}'
LIST="/v1/api/apps/app1/data/enquiry-detail?startAt=2000-01-01T00:00:00.000Z&endAt=2100-01-01T00:00:00.000Z&limit=50"
wrk_lua assign PATCH "$ASSIGN_BODY" "Content-Type: application/json" "x-api-key: cc_bench"
wrk_lua list GET "" "Authorization: Bearer t"
wrk_lua dynamic GET "" "Authorization: Bearer t" "Prefer: dynamic=true"
P0=$PORT_BASE P1=$((PORT_BASE + 1)) P2=$((PORT_BASE + 2))
for p in $P0 $P1 $P2; do port_free "$p" || die "port $p is in use: set PORT_BASE to a free range"; done

ROWS=$OUT/rows.md
: >"$ROWS"
row() { echo "| $1 | $2 | $3 | $4 | $5 |" >>"$ROWS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-"}'; }

# ---- start ---------------------------------------------------------------------------------------------------
if has start; then
	say "start: ${#BINS[@]} binaries and the baseline, $REPEAT starts each, alternating"
	declare -A SW=() SC=()
	for ((r = 0; r < REPEAT; r++)); do
		for b in "${BINS[@]}" baseline; do
			if [[ $b == baseline ]]; then
				launch start-baseline "$OUT/baseline" --addr "127.0.0.1:$P0" --items 0
			else
				launch start "$b" serve --addr "127.0.0.1:$P0"
			fi
			ready "http://127.0.0.1:$P0/"
			SW[$b]+="$WALL_MS"$'\n' SC[$b]+="$CPU_MS"$'\n'
			stop
		done
	done
	bw=$(printf '%s' "${SW[baseline]}" | median) bc=$(printf '%s' "${SC[baseline]}" | median)
	for b in "${BINS[@]}"; do
		w=$(printf '%s' "${SW[$b]}" | median) c=$(printf '%s' "${SC[$b]}" | median)
		row "bundled start to first answer, wall ms (median of $REPEAT): $b" "$w" "bare baseline $bw" "$(ratio "$w" "$bw")" "<= 100 ms"
		row "bundled start to first answer, CPU ms (median of $REPEAT): $b" "$c" "bare baseline $bc" "$(ratio "$c" "$bc")" ""
	done
	say "start: peak RSS under load ($LOAD_DURATION assign PATCH + $LOAD_DURATION CINNOX list, wrk -t2 -c$CONNS)"
	declare -A RSS=()
	for b in baseline "${BINS[@]}"; do
		if [[ $b == baseline ]]; then
			launch rss-baseline "$OUT/baseline" --addr "127.0.0.1:$P0"
			pre=""
		else
			launch rss "$b" serve --addr "127.0.0.1:$P0"
			pre=/carecycle
		fi
		ready "http://127.0.0.1:$P0/"
		nice -n 10 wrk -t2 -c"$CONNS" -d"$LOAD_DURATION" -s "$OUT/assign.lua" "http://127.0.0.1:$P0$pre$ASSIGN" >/dev/null 2>&1
		[[ -z $pre ]] || pre=/cinnox
		nice -n 10 wrk -t2 -c"$CONNS" -d"$LOAD_DURATION" -s "$OUT/list.lua" "http://127.0.0.1:$P0$pre$LIST" >/dev/null 2>&1
		RSS[$b]=$(hwm_mib "$PID")
		stop
	done
	for b in "${BINS[@]}"; do
		row "peak RSS MiB under load, three bundled APIs: $b" "${RSS[$b]}" "bare baseline ${RSS[baseline]}" "$(ratio "${RSS[$b]}" "${RSS[baseline]}")" "<= 40 MB (38.1 MiB)"
	done
fi

# ---- pinned --------------------------------------------------------------------------------------------------
if has pinned; then
	say "pinned: assign PATCH, $ROUNDS rounds of $DURATION, server on core 0, wrk on core 1"
	# Both servers print a line per collection (gctrace) to their logs: how much of the loaded time the
	# collector's marking took, which is what sets the p99 (README, Performance).
	gcenv="GODEBUG=${GODEBUG:+$GODEBUG,}gctrace=1"
	launch pinned-baseline env "$gcenv" nice -n 10 taskset -c 0 "$OUT/baseline" --addr "127.0.0.1:$P1"
	bpid=$PID
	ready "http://127.0.0.1:$P1/"
	launch pinned-libs env "$gcenv" nice -n 10 taskset -c 0 "$OUT/baseline-libs" --addr "127.0.0.1:$P0"
	lpid=$PID
	ready "http://127.0.0.1:$P0/"
	launch pinned-standin env "$gcenv" nice -n 10 taskset -c 0 "$STANDIN" serve --api carecycle --addr "127.0.0.1:$P2"
	spid=$PID
	ready "http://127.0.0.1:$P2/"
	brps="" bp99="" lrps="" lp99="" srps="" sp99="" p99r=""
	for ((r = 0; r < ROUNDS; r++)); do
		read -r a b < <(pinned_round assign "http://127.0.0.1:$P1$ASSIGN")
		brps+="$a"$'\n' bp99+="$b"$'\n'
		read -r a c < <(pinned_round assign "http://127.0.0.1:$P2$ASSIGN")
		srps+="$a"$'\n' sp99+="$c"$'\n' p99r+="$(ratio "$c" "$b")"$'\n'
		read -r a c < <(pinned_round assign "http://127.0.0.1:$P0$ASSIGN")
		lrps+="$a"$'\n' lp99+="$c"$'\n'
	done
	br=$(printf '%s' "$brps" | median) b9=$(printf '%s' "$bp99" | median)
	sr=$(printf '%s' "$srps" | median) s9=$(printf '%s' "$sp99" | median)
	lr=$(printf '%s' "$lrps" | median) l9=$(printf '%s' "$lp99" | median)
	row "assign PATCH req/s, pinned (median of $ROUNDS rounds: $(echo $srps))" "$sr" "bare baseline $br ($(echo $brps))" "$(ratio "$sr" "$br")" ">= 0.5"
	row "assign PATCH p99 ms, pinned (median of $ROUNDS rounds: $(echo $sp99))" "$s9" "bare baseline $b9 ($(echo $bp99))" "$(ratio "$s9" "$b9")" "<= 2"
	# Each round's ratio pairs the two servers a few seconds apart: steadier than the ratio of medians when the
	# machine's speed drifts over the run.
	row "assign PATCH p99, each round's ratio to the bare round just before it ($(echo $p99r))" "" "" "$(printf '%s' "$p99r" | median)" "<= 2"
	row "the bare baseline built with -tags baselinelibs (links standin's libraries, calls none): req/s, p99 ms ($(echo $lrps); $(echo $lp99))" "$lr, $l9" "bare baseline $br, $b9" "$(ratio "$lr" "$br"), $(ratio "$l9" "$b9")" ""
	loaded=$(awk -v r="$ROUNDS" -v d="$(to_ms "$DURATION")" 'BEGIN {print r * (d + 1000)}') # ms, warm-ups included
	read -r bn bm bs < <(gc_share "$OUT/pinned-baseline.log" "$loaded")
	read -r sn sm ss < <(gc_share "$OUT/pinned-standin.log" "$loaded")
	read -r ln lm ls < <(gc_share "$OUT/pinned-libs.log" "$loaded")
	row "collector while pinned (gctrace, $ROUNDS x $DURATION + warm-ups): cycles, marking ms per cycle (median), % of loaded time collecting" "$sn, $sm ms, $ss %" "bare baseline $bn, $bm ms, $bs %" "$(ratio "$ss" "$bs")" ""
	row "the same for the bare baseline with standin's libraries linked" "$ln, $lm ms, $ls %" "bare baseline $bn, $bm ms, $bs %" "$(ratio "$ls" "$bs")" ""
	for PID in $bpid $lpid $spid; do stop; done
fi

# ---- instr ---------------------------------------------------------------------------------------------------
if has instr; then
	say "instr: instructions per request of the assign PATCH under callgrind ($INSTR_N requests each; a minute or more each)"
	printf '%s' "$ASSIGN_BODY" >"$OUT/assign.json"
	declare -A IR=()
	# valgrind 3.19 cannot run RDTSCP, which the Go runtime uses where the CPU has it: cpu.rdtscp=off keeps
	# runtime.cputicks on the older instruction (asyncpreemptoff=1 is the tool's own default).
	IGODEBUG=${INSTR_GODEBUG:-asyncpreemptoff=1,cpu.rdtscp=off}
	srvs=("baseline:$OUT/baseline")
	for ((i = 0; i < ${#BINS[@]}; i++)); do srvs+=("standin$i:${BINS[i]} serve --api carecycle --seed 1"); done
	for srv in "${srvs[@]}"; do
		name=${srv%%:*}
		line=$(GODEBUG=$IGODEBUG PEER_DIR="$OUT/instr" nice -n 10 "$INSTR_TOOL" -n "$name" -p "$P1" -m PATCH -u "$ASSIGN" -b "$OUT/assign.json" \
			-H 'x-api-key: cc_bench' -w 200 -N "$INSTR_N" -- "${srv#*:} --addr 127.0.0.1:{PORT}" 2>&1 | tail -n 1)
		IR[$name]=$(sed -n 's/.*ir_per_req=\([0-9]*\).*/\1/p' <<<"$line")
		[[ -n ${IR[$name]} ]] || die "instr-per-req.sh gave no figure for $name: $line"
	done
	for ((i = 0; i < ${#BINS[@]}; i++)); do
		row "assign PATCH instructions per request (instr-per-req.sh, $INSTR_N requests), ${BINS[i]}" "${IR[standin$i]}" "bare baseline ${IR[baseline]}" "$(ratio "${IR[standin$i]}" "${IR[baseline]}")" "<= 130,000"
	done
fi

# ---- dynamic -------------------------------------------------------------------------------------------------
if has dynamic; then
	# Every BINARY in turn (main's build and a branch's, say), each against the baseline in alternating rounds.
	say "dynamic: Prefer dynamic=true on the CINNOX 50-record page, $ROUNDS rounds of $DURATION, pinned"
	launch dyn-baseline nice -n 10 taskset -c 0 "$OUT/baseline" --addr "127.0.0.1:$P1" --items 50
	bpid=$PID
	ready "http://127.0.0.1:$P1/"
	items() { curl -s --max-time 10 "$@" | { grep -o '"_id"' || true; } | wc -l | tr -d ' '; }
	bn=$(items -H 'Authorization: Bearer t' "http://127.0.0.1:$P1$LIST")
	for bin in "${BINS[@]}"; do
		launch dyn-standin nice -n 10 taskset -c 0 "$bin" serve --api cinnox --records 60 --addr "127.0.0.1:$P2"
		spid=$PID
		ready "http://127.0.0.1:$P2/"
		sn=$(items -H 'Authorization: Bearer t' -H 'Prefer: dynamic=true' "http://127.0.0.1:$P2$LIST")
		brps="" srps=""
		for ((r = 0; r < ROUNDS; r++)); do
			read -r a _ < <(pinned_round list "http://127.0.0.1:$P1$LIST")
			brps+="$a"$'\n'
			read -r a _ < <(pinned_round dynamic "http://127.0.0.1:$P2$LIST")
			srps+="$a"$'\n'
		done
		br=$(printf '%s' "$brps" | median) sr=$(printf '%s' "$srps" | median)
		row "Prefer: dynamic=true list (limit=50) req/s, pinned: $sn records per answer: $bin" "$sr" "bare baseline $br ($bn records)" "$(ratio "$sr" "$br")" ">= 0.2 (for 50 records)"
		PID=$spid
		stop
	done
	PID=$bpid
	stop
fi

# ---- state ---------------------------------------------------------------------------------------------------
if has state; then
	say "state: writing $STATE_N enquiries into $OUT/big ${STATE_FLAGS:+(bigfixtures $STATE_FLAGS)}"
	# shellcheck disable=SC2086 # STATE_FLAGS holds flags, split on purpose
	"$OUT/bigfixtures" -n "$STATE_N" $STATE_FLAGS -out "$OUT/big" || die "bigfixtures failed"
	for which in bundled "${BINS[@]}"; do
		bin=$which args=(--fixtures "$OUT/big")
		if [[ $which == bundled ]]; then bin=$STANDIN args=(); fi
		launch state "$bin" serve --api cinnox "${args[@]}" --log-level error --addr "127.0.0.1:$P0"
		ready "http://127.0.0.1:$P0$LIST" "Authorization: Bearer t"
		w=$WALL_MS c=$CPU_MS r0=$(hwm_mib "$PID")
		nice -n 10 hey -n "$STATE_REQS" -c 2 -H "Authorization: Bearer t" "http://127.0.0.1:$P0$LIST" >/dev/null
		r1=$(hwm_mib "$PID")
		stop
		if [[ $which == bundled ]]; then
			bw=$w bc=$c br0=$r0 br1=$r1
		else
			row "state: $STATE_N enquiries${STATE_FLAGS:+ $STATE_FLAGS}, start to first 50-record page, wall ms (CPU ms): $which" "$w ($c)" "bundled 16 records $bw ($bc)" "$(ratio "$w" "$bw")" "<= 2000 ms"
			row "state: $STATE_N enquiries${STATE_FLAGS:+ $STATE_FLAGS}, peak RSS MiB at start / after $STATE_REQS pages: $which" "$r0 / $r1" "bundled 16 records $br0 / $br1" "$(ratio "$r1" "$br1")" "<= 400 MB (381 MiB)"
		fi
	done
fi

# ---- report --------------------------------------------------------------------------------------------------
{
	echo "# issue 12 targets, $(date -u '+%Y-%m-%d %H:%M UTC'), standin $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo unknown)"
	echo
	echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(go version | awk '{print $3}'), $(wrk -v 2>&1 | awk 'NR == 1 {print $1, $2}')"
	echo
	echo "| figure | standin | reference (same run) | ratio | target |"
	echo "|---|---:|---:|---:|---|"
	cat "$ROWS"
} | tee "$OUT/results.md"
say "results in $OUT/results.md"
