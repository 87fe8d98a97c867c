// Package fault describes injectable faults as data and evaluates them.
//
// A Rule says which requests it matches (Match), what it does to them (Action) and when it fires (When). Rules
// are parsed from the command-line form ("op=updateAssignee,status=449,times=2", see Parse) or from a JSON or
// YAML object with the same keys (see FromMap). An Active rule carries the state a rule needs at run time: how
// often it matched and fired, its seeded random source, its rate-limit buckets and its queue. Active.Decide
// tells, for one request, whether the rule applies and what it does.
//
// The package knows nothing of HTTP servers or OpenAPI documents: the mock turns an Outcome into a response.
//
// # Rule keys
//
// Match: api, op (operationId), method, path (glob: * within a segment, ** across segments), session,
// header ("Name:value", or "Name" for presence).
//
// Action (status, rateLimit, queue, connection/drop and mutate exclude each other; latency combines with any):
// status=N [example=NAME] [allowUndocumented=true]; rateLimit=spec|LIMIT/WINDOW [per=part+part]; queue=N|DURATION;
// latency=800ms|200ms..2s|tail:P50:P95[:MAX]; drop (= connection=reset); connection=reset|close|truncate|drip
// [interval=DURATION]; mutate=wrongType|missingRequired|enumOutside|undocumentedStatus.
//
// When: p=0.05 (probability, drawn from a source seeded by the run seed, the rule id and the session), after=N
// (the first N matches pass), times=N (fires N times, then never), from=RFC3339, until=RFC3339, for=DURATION
// (after the rule is activated).
//
// # Long-tail latency
//
// latency=tail:P50:P95 draws from a log-normal distribution whose median is P50 and whose 95th percentile is
// P95: mu = ln(P50), sigma = ln(P95/P50)/1.6449. The optional MAX caps a draw (default 20 times P95), so a
// p99 lands near P50*exp(2.3263*sigma).
package fault
