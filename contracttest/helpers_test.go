package contracttest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// update rewrites the package's golden files (testdata/*.golden) from what the tests produce: go test
// ./contracttest -update. Review the diff before committing.
var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// bugs switches on one deliberate contract breach in the pet server.
type bugs struct {
	wrongType          bool // listPets returns a pet whose age is a string
	badEnum            bool // getPet returns kind "hamster"
	undocumentedStatus bool // createPet answers 200 instead of 201
	missingHeader      bool // the 429 comes without Retry-After
	wrongContentType   bool // getPet answers text/plain
	acceptsInvalid     bool // no request validation
	ignoresAuth        bool // no credential check
	forgetsWrites      bool // createPet answers but stores nothing
	serverError        bool // listPets answers 500
	slow               bool // (with a ticking clock) nothing; responses are judged by the clock
}

// petServer is a correct implementation of testdata/pets.yaml (under /api), except for the bugs switched on.
// The first listPets and createPet requests are answered 429 so that retries and the 429 headers are exercised.
type petServer struct {
	t      *testing.T
	api    *openapi.API
	router routers.Router
	bugs   bugs

	mu        sync.Mutex // guards the fields below
	pets      map[string]map[string]any
	next      int
	throttled map[string]bool // operations already answered 429 once
}

func loadPets(t *testing.T) *openapi.API {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), "testdata/pets.yaml")
	require.NoError(t, err)
	return api
}

func loadPetsF() (*openapi.API, error) {
	return openapi.LoadFile(context.Background(), "testdata/pets.yaml")
}

func newPetServer(t *testing.T, b bugs) (*petServer, *httptest.Server) {
	t.Helper()
	api := loadPets(t)
	router, err := api.Router("")
	require.NoError(t, err)
	ps := &petServer{t: t, api: api, router: router, bugs: b, next: 1, throttled: map[string]bool{},
		pets: map[string]map[string]any{"p-1": {"id": "p-1", "name": "Tom", "kind": "cat", "age": 4.0, "tag": nil}}}
	ts := httptest.NewServer(ps)
	t.Cleanup(ts.Close)
	return ps, ts
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (ps *petServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, params, err := ps.router.FindRoute(r)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "no such route"})
		return
	}
	if !ps.bugs.ignoresAuth {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "unauthorized"})
			return
		}
	}
	if !ps.bugs.acceptsInvalid {
		in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": "invalid request"})
			return
		}
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	opID := route.Operation.OperationID
	if (opID == "listPets" || opID == "createPet") && !ps.throttled[opID] {
		ps.throttled[opID] = true
		if !ps.bugs.missingHeader {
			w.Header().Set("Retry-After", "1")
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": "slow down"})
		return
	}
	switch opID {
	case "listPets":
		if ps.bugs.serverError {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"code": 500, "message": "boom"})
			return
		}
		list := []any{}
		for _, id := range sortedKeys(ps.pets) {
			p := ps.pets[id]
			if ps.bugs.wrongType {
				p = map[string]any{"id": p["id"], "name": p["name"], "kind": p["kind"], "age": "four"}
			}
			list = append(list, p)
		}
		writeJSON(w, http.StatusOK, list)
	case "createPet":
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			in = map[string]any{}
		}
		id := fmt.Sprintf("p-%d", 100+ps.next)
		ps.next++
		pet := map[string]any{"id": id, "name": in["name"], "kind": in["kind"], "age": in["age"], "tag": in["tag"]}
		if pet["age"] == nil {
			delete(pet, "age")
		}
		if !ps.bugs.forgetsWrites {
			ps.pets[id] = pet
		}
		status := http.StatusCreated
		if ps.bugs.undocumentedStatus {
			status = http.StatusOK
		}
		writeJSON(w, status, pet)
	case "getPet":
		pet, ok := ps.pets[params["petId"]]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "no such pet"})
			return
		}
		if ps.bugs.badEnum {
			pet = map[string]any{"id": pet["id"], "name": pet["name"], "kind": "hamster"}
		}
		if ps.bugs.wrongContentType {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "%v", pet["name"])
			return
		}
		writeJSON(w, http.StatusOK, pet)
	case "deletePet":
		if _, ok := ps.pets[params["petId"]]; !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "no such pet"})
			return
		}
		delete(ps.pets, params["petId"])
		w.WriteHeader(http.StatusNoContent)
	}
}

// recorder is a Reporter that keeps what it receives.
type recorder struct {
	plan    *Plan
	results []*Result
	summary *Summary
}

func (r *recorder) Begin(p *Plan)  { r.plan = p }
func (r *recorder) Case(x *Result) { r.results = append(r.results, x) }
func (r *recorder) End(s Summary) error {
	r.summary = &s
	return nil
}

// noSleep returns at once, so tests never wait for Retry-After or the rate.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// fixedClock always tells the same time, so every duration is zero.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// tickingClock advances by step on every reading.
func tickingClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	t := fixedClock()
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(step)
		return t
	}
}

// failedChecks lists "caseID check" for every failed check.
func failedChecks(rep *Report) []string {
	var out []string
	for _, r := range rep.Results {
		for _, c := range r.Checks {
			if !c.Passed {
				out = append(out, r.Case.ID+" "+c.Name)
			}
		}
	}
	return out
}

func failedCheckNames(rep *Report) map[string]bool {
	out := map[string]bool{}
	for _, r := range rep.Results {
		for _, c := range r.Checks {
			if !c.Passed {
				out[c.Name] = true
			}
		}
	}
	return out
}
