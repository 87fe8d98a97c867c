// Package mock is standin's mock server: one http.Handler that serves any number of OpenAPI-described APIs,
// each under /<name>, and the admin API under /__standin/.
//
// # Pipeline
//
// Each API's requests pass through stages in this order, each a func(http.Handler) http.Handler in its own
// file, stage_<name>.go: route (find the operation; 404/405), session (X-Standin-Session), journal (record the
// exchange), prefer (Prefer: code=/example=), faults (injected failures), security (the spec's security
// schemes), validation (openapi3filter; vendor-shaped errors), behaviour (x-standin state effects) and response
// (the behaviour's result, else an example, else generated data). Per-request facts travel in one exchange value
// in the request context.
package mock
