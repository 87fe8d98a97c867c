// Package contracttest checks a server against an OpenAPI document over HTTP: the standin mock, a staging box or
// the real vendor. It never imports the mock; it talks to a URL.
//
//	api, _ := openapi.Load(ctx, "aelyst")
//	report, err := contracttest.Run(ctx, contracttest.Config{API: api, Target: "http://127.0.0.1:4010/aelyst/v1"})
//
// # Target
//
// Config.Target replaces the document's server URL, base path included: Aelyst's server is
// https://api.aelyst.ai/v1, so its mock is tested with http://127.0.0.1:4010/aelyst/v1; careCycle's server has no
// base path, so http://127.0.0.1:4010/carecycle. Operation paths are appended to the target as written in the
// document. On a standin target only, the server root (http://127.0.0.1:4010) or the API's mount root
// (http://127.0.0.1:4010/aelyst) is completed from the mounts GET /__standin/health lists, and the plan notes it.
//
// # Credentials
//
// APIKey goes where an apiKey scheme says (header, query, cookie); Basic ("user:password") as
// "Authorization: Basic" base64; Bearer as "Authorization: Bearer" for http bearer, oauth2 and openIdConnect;
// Headers on every request. Of an operation's alternatives, the first the credentials satisfy is used (exactly,
// then with an API key used as a token or the reverse, then, on a standin target only, made-up credentials of the
// declared shape). Cases that need credentials nobody gave are skipped. The user's credentials are masked in
// every report; credentials the runner makes up to be refused are shown.
//
// # Cases
//
// For every selected operation, in document order (path, then method), the runner plans, in this order:
//
//   - stateful: for every link of a 2xx response, the operation then the linked one with the values the link
//     names (runtime expressions such as $request.path.id and $response.body#/id are resolved). After a write
//     the linked request must succeed: a read must reflect the write, a delete must succeed and a second delete
//     must get 404 when documented. A link from a read only needs a valid answer. A create at a path id
//     (POST /contact/{identifier}) names a fresh generated record;
//   - positive: each request body example, then Config.Generated requests generated from the schemas (package
//     fake). Parameters come from Config.Vars ("name" or "operationId.name"), else the document's examples,
//     else the generator;
//   - negative: one request per constraint that can be broken alone (required, type, nullable, enum, pattern,
//     format, minimum, maximum, minLength, maxLength, minItems, maxItems) in parameters and the body, each proven
//     with kin-openapi to fail only that constraint; no body where one is required; malformed JSON; an unknown
//     id where the operation documents 404; a path no operation has;
//   - auth: no credentials, and malformed ones where the document says what a valid one looks like (the key
//     prefix of x-standin, bearerFormat JWT, the scheme word) or Config.InvalidCredential gives one, and no other
//     alternative takes any value at that place; else the malformed case is skipped with the reason;
//   - forced, on a standin target only (GET /__standin/health answers 200 with JSON): every documented status
//     forced with "Prefer: code=N".
//
// Stateful cases also check behaviour: an x-standin write whose answer shows $before.f is written twice with
// two valid values; a create that documents 409 and names its record's key is sent twice, the second must get
// 409 (duplicate-create); a write of a record at an inferred item path is followed by the read at that path.
// Requests follow the operation's media types (JSON, form-urlencoded and multipart with their encoding) and
// every parameter style.
//
// On a standin target every request carries "X-Standin-Session: contracttest-<seed>-<run id>" (fresh per run,
// Config.RunID) and "X-Standin-Ids: strict", so a run does not disturb other sessions of a shared server and the
// mock answers unknown ids with 404.
//
// # Checks
//
// Every response gets status_documented, content_type, body_schema (openapi3filter.ValidateResponse),
// headers_documented and, with Config.ResponseTime, response_time. By case kind: no_server_error (valid input,
// no 5xx), negative_rejected (a documented 4xx; any 4xx for an unknown path), auth_enforced (401, else the
// documented 401/403), auth_accepted (a request with the credentials is not refused), state_consistent,
// behaviour_consistent (predicted versus actual), forced_status. Spec gaps are warnings (CheckResult.Warning),
// failures only with Config.Strict: undocumented_rejection (a 4xx for invalid or unauthenticated input where the
// operation documents none) and undocumented_success. A body that is not JSON is counted as not checked. The
// names are stable; see CheckNames.
//
// # Safety
//
// Writes (POST, PUT, PATCH, DELETE) reach a target that is not a loopback address only with
// Config.AllowWrites; other cases that write are skipped. Config.MaxRequests caps requests (retries included)
// and Config.Rate paces them. A 429 or 449 answer is waited out (Retry-After; without it 1s after a 429 and 10s
// after a 449) and retried up to Config.Retries times while the run's wait budget (Config.MaxWait) lasts; the case
// is reported as retried, not failed, and the retried answers are checked too (a 429 must carry its documented
// headers). Forced cases never retry. Redirects are never followed; one to another host is reported.
//
// An unreachable target still gets reported: the reporters receive one case with outcome "error", and Run
// returns ErrUnreachable.
//
// # Reports
//
// A Reporter receives Begin(plan), Case(result) per case and End(summary). NewTextReporter writes a line per
// case (or a live progress line), the failures with a curl line (credentials masked as ****), the response and
// what the document says, per-check counts and a coverage matrix (operation × documented status). Several
// reporters run at once. Results in the JSON and JUnit reports are sorted by operationId, then plan order; until
// the run ends they wait in a temporary file, not in memory, and the text report details the first
// MaxTextFailures failures. With Config.Lean the Report itself keeps only totals and the failed results (at most
// MaxKeptResults), so a run of any size needs the same memory.
//
// # JSON report, version 1
//
// NewJSONReporter writes one object. Fields may be added within a version; a removal or a change of meaning
// bumps ReportVersion.
//
//	{
//	  "version": 1,                      // ReportVersion
//	  "api": "aelyst", "spec": "openapi/aelyst.yaml", "target": "http://127.0.0.1:4010/aelyst/v1",
//	  "standin": true,                   // the target answered /__standin/health
//	  "session": "contracttest-1-3f9a0c21", // X-Standin-Session sent (standin targets only)
//	  "seed": 1,
//	  "dryRun": false,
//	  "notes": ["..."],                  // remarks on the run as a whole
//	  "checkNames": ["status_documented", ...],
//	  "cases": [{
//	    "id": "getContact/negative/path-identifier-pattern",   // <operationId>/<kind>/<name>, stable
//	    "operation": "getContact",
//	    "kind": "positive|negative|auth|stateful|forced",
//	    "name": "path-identifier-pattern",
//	    "write": false,                  // a step uses POST, PUT, PATCH or DELETE
//	    "outcome": "pass|fail|skip|error",
//	    "skipReason": "...",             // why a case was skipped or stopped early
//	    "skipCategory": "...",           // the reason's family, as summary.skips counts it
//	    "retries": 0,                    // requests repeated after 429/449
//	    "durationMs": 1.2,
//	    "checks": [{"name": "body_schema", "passed": false, "step": 0, "want": "...", "got": "...",
//	                "warning": false, "notChecked": false}],
//	    "exchanges": [{
//	      "step": 0,
//	      "request": {"method": "GET", "url": "...", "headers": {"Authorization": ["Bearer ****"]}, "body": "...",
//	                  "curl": "curl -sS -X GET '...' -H 'Authorization: Bearer ****'"},
//	      "response": {"status": 400, "headers": {...}, "body": "... (truncated to 2048 bytes)"},
//	      "retried": [{"status": 429, "headers": {...}, "body": "..."}],
//	      "retries": 0,
//	      "error": "...",                // no response (connection refused, timeout)
//	      "redirect": "...",             // a redirect that was not followed
//	      "durationMs": 0.8
//	    }]
//	  }],
//	  "summary": {
//	    "cases": 40, "passed": 39, "failed": 1, "skipped": 0, "retried": 0, "requests": 42,
//	    "errors": 0,                     // 1 when the target did not answer
//	    "checks": {"body_schema": {"passed": 30, "failed": 1, "warnings": 0, "notChecked": 0}, ...},
//	    "skips": [{"reason": "...", "cases": 2}],
//	    "failOnSkip": false, "waitedMs": 0, "refused": 0, "valid": 30, "redirects": 0,
//	    "targetMs": 95.2,                // from sending each request to the end of its answer's body
//	    "ownMs": 25.3,                   // the runner's own time: durationMs less targetMs and the waits
//	    "casesPerSecond": 331.9,
//	    "coverage": [{"operation": "getContact", "statuses": [{"status": 200, "exercised": true}, ...]}]
//	  },
//	  "durationMs": 120.5,
//	  "planned": [...]                   // dry runs only: the planned cases
//	}
//
// # JUnit report
//
// NewJUnitReporter writes <testsuites> with one <testsuite name="<api>"> whose properties are spec, target,
// seed and standin, and one <testcase classname="<api>.<operationId>" name="<kind>/<name>"> per case, with a
// <failure type="<check names>"> holding the failed checks, curl lines and responses, or <skipped>.
//
// # Concurrency
//
// A Runner runs one case at a time and is used for one run at a time. Reporters are called from the goroutine
// that called Run.
package contracttest
