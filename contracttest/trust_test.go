package contracttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/openapi"
)

// specServer serves one test document: it routes with the document's router, refuses requests authorize does
// not accept with 401, validates every request with kin-openapi (400) and hands the rest to handle. It records
// what it received.
type specServer struct {
	t         *testing.T
	api       *openapi.API
	router    routers.Router
	authorize func(r *http.Request) bool
	handle    func(w http.ResponseWriter, r *http.Request, opID string, params map[string]string)

	mu       sync.Mutex // guards received
	received []received
}

// received is one request as the server saw it.
type received struct {
	op, method, url, auth, contentType, cookie string
	body                                       []byte
}

func newSpecServer(t *testing.T, file string) *specServer {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), file)
	require.NoError(t, err)
	router, err := api.Router("")
	require.NoError(t, err)
	return &specServer{t: t, api: api, router: router}
}

func (s *specServer) start() *httptest.Server {
	ts := httptest.NewServer(s)
	s.t.Cleanup(ts.Close)
	return ts
}

func (s *specServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := s.router.FindRoute(r)
	rec := received{method: r.Method, url: r.URL.String(), auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"), cookie: r.Header.Get("Cookie"), body: body}
	if err == nil {
		rec.op = route.Operation.OperationID
	}
	s.mu.Lock()
	s.received = append(s.received, rec)
	s.mu.Unlock()
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such route"})
		return
	}
	if s.authorize != nil && !s.authorize(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "unauthorized"})
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid request: " + err.Error()})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.handle(w, r, route.Operation.OperationID, params)
}

func (s *specServer) requests(op string) []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []received
	for _, r := range s.received {
		if r.op == op {
			out = append(out, r)
		}
	}
	return out
}

// ticketBugs switches on one deliberate fault of the tickets server.
type ticketBugs struct {
	staleBefore  bool // the status change answers the status the ticket had when the server started
	ignoresWrite bool // a ticket update answers and keeps the old ticket
}

// ticketServer implements testdata/tickets.yaml correctly, except for the bugs switched on.
func ticketServer(t *testing.T, b ticketBugs) (*specServer, *httptest.Server) {
	s := newSpecServer(t, "testdata/tickets.yaml")
	var mu sync.Mutex // guards tickets
	tickets := map[string]map[string]any{
		"t-1": {"id": "t-1", "title": "Login broken", "status": "open", "assignee": nil},
		"t-2": {"id": "t-2", "title": "Slow page", "status": "open", "assignee": "ana"},
	}
	s.authorize = func(r *http.Request) bool { return strings.HasPrefix(r.Header.Get("X-Api-Key"), "tk_") }
	s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		switch op {
		case "updateTicketStatus":
			tk, ok := tickets[in["id"].(string)]
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such ticket"})
				return
			}
			if in["status"] != "closed" && in["status"] != "resolved" {
				writeJSON(w, http.StatusBadRequest, map[string]any{"message": "only terminal statuses"})
				return
			}
			prev := tk["status"]
			if b.staleBefore {
				prev = "open"
			}
			tk["status"] = in["status"]
			writeJSON(w, http.StatusOK, map[string]any{"previousStatus": prev, "newStatus": tk["status"], "ticketId": tk["id"]})
		case "getTicket", "updateTicket":
			tk, ok := tickets[params["id"]]
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such ticket"})
				return
			}
			if op == "updateTicket" && !b.ignoresWrite {
				for k, v := range in {
					tk[k] = v
				}
			}
			writeJSON(w, http.StatusOK, tk)
		}
	}
	return s, s.start()
}

// formServer implements testdata/forms.yaml: http basic admin:s3cret or the oauth2 token s3cret-token.
func formServer(t *testing.T) (*specServer, *httptest.Server) {
	s := newSpecServer(t, "testdata/forms.yaml")
	var mu sync.Mutex // guards customers
	customers := map[string]map[string]any{}
	next := 0
	s.authorize = func(r *http.Request) bool {
		h := r.Header.Get("Authorization")
		return h == "Basic "+base64.StdEncoding.EncodeToString([]byte("admin:s3cret")) || h == "Bearer s3cret-token"
	}
	s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		switch op {
		case "createCustomer":
			require.NoError(t, r.ParseForm())
			next++
			c := map[string]any{"id": "cus_" + strings.Repeat("x", next), "email": r.PostForm.Get("email")}
			if v := r.PostForm.Get("balance"); v != "" {
				var n float64
				require.NoError(t, json.Unmarshal([]byte(v), &n))
				c["balance"] = n
			}
			if tags := r.PostForm["tags"]; len(tags) > 0 {
				c["tags"] = tags
			}
			meta := map[string]any{}
			if v := r.PostForm.Get("metadata[plan]"); v != "" {
				meta["plan"] = v
			}
			if v := r.PostForm.Get("metadata[seats]"); v != "" {
				var n float64
				require.NoError(t, json.Unmarshal([]byte(v), &n))
				meta["seats"] = n
			}
			if len(meta) > 0 {
				c["metadata"] = meta
			}
			customers[c["id"].(string)] = c
			writeJSON(w, http.StatusOK, c)
		case "getCustomer":
			c, ok := customers[params["customer"]]
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such customer"})
				return
			}
			writeJSON(w, http.StatusOK, c)
		case "uploadFile":
			require.NoError(t, r.ParseMultipartForm(1<<20))
			writeJSON(w, http.StatusOK, map[string]any{"id": "file_1"})
		case "getReport":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>report</p>")
		}
	}
	return s, s.start()
}

func runAgainst(t *testing.T, ts *httptest.Server, file string, cfg Config, opts ...Option) *Report {
	t.Helper()
	api, err := openapi.LoadFile(t.Context(), file)
	require.NoError(t, err)
	cfg.API = api
	if cfg.Target == "" {
		cfg.Target = ts.URL + api.BasePath
	}
	cfg.RunID = "run1"
	opts = append([]Option{WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock)}, opts...)
	rep, err := Run(t.Context(), cfg, opts...)
	require.NoError(t, err)
	return rep
}

func outcomes(rep *Report) map[string]Outcome {
	out := map[string]Outcome{}
	for _, r := range rep.Results {
		out[r.Case.ID] = r.Outcome
	}
	return out
}

func TestIssue11CorrectServersPass(t *testing.T) {
	t.Run("tickets", func(t *testing.T) {
		_, ts := ticketServer(t, ticketBugs{})
		rep := runAgainst(t, ts, "testdata/tickets.yaml", Config{APIKey: "tk_live_1"})
		require.Empty(t, failedChecks(rep))
		got := outcomes(rep)
		require.Equal(t, Pass, got["updateTicketStatus/stateful/behaviour-before-status"], "two writes, the second answers the first")
		require.Equal(t, Pass, got["updateTicket/stateful/read-after-write"])
		require.Equal(t, Pass, got["updateTicket/auth/malformed"], "x-standin declares the key prefix tk_, so a key without it is malformed")
		require.Positive(t, rep.Summary.Checks[CheckBehaviourConsistent].Passed)
	})
	t.Run("forms with basic auth", func(t *testing.T) {
		s, ts := formServer(t)
		rep := runAgainst(t, ts, "testdata/forms.yaml", Config{Basic: "admin:s3cret"})
		require.Empty(t, failedChecks(rep))
		got := outcomes(rep)
		for _, id := range []string{"createCustomer/positive/example", "createCustomer/stateful/read-after-write", "uploadFile/positive/example", "getReport/positive/example"} {
			require.Equal(t, Pass, got[id], id)
		}
		// The form bodies carry the nested object with brackets and the array as repeated keys.
		var sawMeta, sawTags bool
		for _, r := range s.requests("createCustomer") {
			if r.contentType == mediaForm && strings.Contains(string(r.body), "metadata%5Bplan%5D=") {
				sawMeta = true
			}
			if strings.Count(string(r.body), "tags=") > 1 {
				sawTags = true
			}
		}
		require.True(t, sawMeta, "deepObject encoding of metadata")
		require.True(t, sawTags, "exploded form array")
		ups := s.requests("uploadFile")
		require.NotEmpty(t, ups)
		require.True(t, strings.HasPrefix(ups[0].contentType, "multipart/form-data; boundary="))
		require.Contains(t, string(ups[0].body), `filename="standin.bin"`)
		// The text/html report is reported as not checked, not failed.
		require.Positive(t, rep.Summary.Checks[CheckBodySchema].NotChecked)
	})
}

func TestIssue11WrongCredentialsFail(t *testing.T) {
	tests := []struct {
		name string
		file string
		cfg  Config
		ts   func(t *testing.T) *httptest.Server
	}{
		{"api key", "testdata/tickets.yaml", Config{APIKey: "sk_wrong_key"}, func(t *testing.T) *httptest.Server { _, ts := ticketServer(t, ticketBugs{}); return ts }},
		{"basic", "testdata/forms.yaml", Config{Basic: "admin:wrong"}, func(t *testing.T) *httptest.Server { _, ts := formServer(t); return ts }},
		{"oauth2 token", "testdata/forms.yaml", Config{Bearer: "wrong-token"}, func(t *testing.T) *httptest.Server { _, ts := formServer(t); return ts }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text bytes.Buffer
			rep := runAgainst(t, tt.ts(t), tt.file, tt.cfg, WithReporter(NewTextReporter(&text, false)))
			require.True(t, rep.Failed())
			refused, valid := rep.Summary.Refused()
			require.Positive(t, refused)
			require.Equal(t, valid, refused, "every valid request was refused")
			require.Contains(t, text.String(), "valid requests were refused: check the credentials")
			require.True(t, failedCheckNames(rep)[CheckAuthAccepted])
		})
	}
}

func TestIssue11CredentialsFollowTheSchemes(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:s3cret"))
	tests := []struct {
		name     string
		cfg      Config
		wantAuth string
	}{
		{"basic is base64 user:password", Config{Basic: "admin:s3cret"}, basic},
		{"a token picks the oauth2 alternative", Config{Bearer: "s3cret-token"}, "Bearer s3cret-token"},
		{"-H gives any header", Config{Headers: http.Header{"Authorization": {"Bearer s3cret-token"}}}, "Bearer s3cret-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ts := formServer(t)
			var js bytes.Buffer
			rep := runAgainst(t, ts, "testdata/forms.yaml", tt.cfg, WithReporter(NewJSONReporter(&js)))
			require.Empty(t, failedChecks(rep))
			for _, r := range s.requests("getReport") {
				require.Contains(t, []string{tt.wantAuth, "", wrongBasic, wrongBearer}, r.auth)
			}
			require.Contains(t, authsOf(s.requests("createCustomer")), tt.wantAuth)
			require.NotContains(t, js.String(), "s3cret", "the user's credentials are masked")
			require.NotContains(t, js.String(), base64.StdEncoding.EncodeToString([]byte("admin:s3cret")))
		})
	}
	t.Run("the malformed credential is shown", func(t *testing.T) {
		_, ts := ticketServer(t, ticketBugs{})
		var js bytes.Buffer
		runAgainst(t, ts, "testdata/tickets.yaml", Config{APIKey: "tk_s3cret"}, WithReporter(NewJSONReporter(&js)))
		require.True(t, strings.Contains(js.String(), malformedKey), "a test-generated wrong credential is not a secret")
		require.False(t, strings.Contains(js.String(), "tk_s3cret"), "the user's key is masked")
	})
	t.Run("a wrong scheme word another alternative accepts is not sent as malformed", func(t *testing.T) {
		_, ts := formServer(t)
		rep := runAgainst(t, ts, "testdata/forms.yaml", Config{Basic: "admin:s3cret"})
		require.Equal(t, Skip, outcomes(rep)["createCustomer/auth/malformed"], "the oauth2 alternative takes any Bearer token")
	})
}

func authsOf(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.auth)
	}
	return out
}

func TestIssue11BehaviourFaultsAreCaught(t *testing.T) {
	tests := []struct {
		name string
		bugs ticketBugs
		want string // case that must fail behaviour_consistent
	}{
		{"a stale previous value", ticketBugs{staleBefore: true}, "updateTicketStatus/stateful/behaviour-before-status"},
		{"an ignored write", ticketBugs{ignoresWrite: true}, "updateTicket/positive/example-example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := ticketServer(t, tt.bugs)
			rep := runAgainst(t, ts, "testdata/tickets.yaml", Config{APIKey: "tk_live_1"})
			require.True(t, rep.Failed())
			require.Contains(t, failedChecks(rep), tt.want+" "+CheckBehaviourConsistent)
			for _, r := range rep.Results {
				if r.Case.ID != tt.want {
					continue
				}
				for _, c := range r.Checks {
					if c.Name == CheckBehaviourConsistent && !c.Passed {
						require.NotEmpty(t, c.Want, "predicted")
						require.NotEmpty(t, c.Got, "actual")
					}
				}
			}
		})
	}
}

func TestIssue11RedirectToAnotherHostIsNotFollowed(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Location", "http://vendor.example.invalid/pets/p-1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(ts.Close)
	var mu sync.Mutex
	var dialled []string
	addr := ts.Listener.Addr().String()
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		mu.Lock()
		dialled = append(dialled, a)
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	rep := runAgainst(t, ts, "testdata/pets.yaml", Config{Target: ts.URL + "/api", Bearer: "tok", Include: []string{"getPet"}}, WithHTTPClient(client))
	mu.Lock()
	defer mu.Unlock()
	for _, a := range dialled {
		require.Equal(t, addr, a, "only the target is contacted")
	}
	require.Positive(t, rep.Summary.Redirects)
	require.Contains(t, rep.Results[0].Exchanges[0].Redirect, "vendor.example.invalid")
}

func TestIssue11UnreachableTargetStillReports(t *testing.T) {
	// Port 1 is privileged and never listened on here: the connection is refused, whatever else the tests run.
	var js, junit bytes.Buffer
	_, err := Run(t.Context(), Config{API: loadPets(t), Target: "http://127.0.0.1:1/api"}, WithSleep(noSleep),
		WithReporter(NewJSONReporter(&js), NewJUnitReporter(&junit)))
	require.ErrorIs(t, err, ErrUnreachable)
	var rep struct {
		Cases []struct {
			Outcome string `json:"outcome"`
		} `json:"cases"`
		Summary struct {
			Errors int `json:"errors"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &rep))
	require.Len(t, rep.Cases, 1)
	require.Equal(t, "error", rep.Cases[0].Outcome)
	require.Equal(t, 1, rep.Summary.Errors)
	var suites junitSuites
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &suites))
	require.Equal(t, 1, suites.Errors)
	require.Equal(t, 1, suites.Tests)
}

func TestIssue11SkipsAreCountedAndCanFail(t *testing.T) {
	_, ts := ticketServer(t, ticketBugs{})
	rep := runAgainst(t, ts, "testdata/tickets.yaml", Config{})
	require.False(t, rep.Failed(), "without credentials the cases that need them are skipped")
	require.Positive(t, rep.Summary.Skipped)
	require.Equal(t, skipNoCreds, rep.Summary.Skips[0].Reason)
	rep = runAgainst(t, ts, "testdata/tickets.yaml", Config{FailOnSkip: true})
	require.True(t, rep.Failed(), "--fail-on-skip")
}

func TestIssue11SpecGapsWarnUnlessStrict(t *testing.T) {
	// getReport documents only 401 among the 4xx: a 400 for a broken range is a gap in the document.
	for _, strict := range []bool{false, true} {
		_, ts := formServer(t)
		rep := runAgainst(t, ts, "testdata/forms.yaml", Config{Basic: "admin:s3cret", Include: []string{"getReport"}, Strict: strict})
		cc := rep.Summary.Checks[CheckUndocumentedRejection]
		require.Positive(t, cc.Warnings)
		require.Equal(t, strict, rep.Failed(), failedChecks(rep))
		require.NotContains(t, failedCheckNames(rep), CheckStatusDocumented, "the gap replaces the status_documented failure")
	}
}

func TestIssue11MaxFailuresAndCheckSelection(t *testing.T) {
	rep := runPets(t, bugs{serverError: true, badEnum: true}, Config{MaxFailures: 1})
	require.Equal(t, 1, rep.Summary.Failed)
	require.Equal(t, skipMaxFailures, rep.Summary.Skips[0].Reason)
	rep = runPets(t, bugs{badEnum: true}, Config{ExcludeChecks: []string{CheckBodySchema, CheckStateConsistent}})
	require.False(t, rep.Failed(), failedChecks(rep))
	rep = runPets(t, bugs{badEnum: true}, Config{Checks: []string{CheckBodySchema}})
	require.True(t, rep.Failed())
	for name := range rep.Summary.Checks {
		require.Equal(t, CheckBodySchema, name)
	}
}

// TestIssue11MalformedOnlyWhereTheDocumentSaysSo: which auth/malformed case each scheme gets, and when none.
func TestIssue11MalformedOnlyWhereTheDocumentSaysSo(t *testing.T) {
	doc := func(schemes, security string) *openapi.API {
		src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      security: ` + security + `
      responses: {"200": {description: ok}, "401": {description: no}}
components:
  securitySchemes:
` + schemes
		api, err := openapi.LoadData(t.Context(), "auth.yaml", []byte(src))
		require.NoError(t, err)
		return api
	}
	tests := []struct {
		name      string
		schemes   string
		security  string
		cfg       Config
		malformed string // the Authorization or key value sent; "" when there is no malformed case
		why       string
	}{
		{"apiKey without a declared shape", "    k: {type: apiKey, in: header, name: X-Key}\n", "[{k: []}]", Config{APIKey: "key"}, "", "does not say what a valid X-Key key looks like"},
		{"apiKey with a known-bad one", "    k: {type: apiKey, in: header, name: X-Key}\n", "[{k: []}]", Config{APIKey: "key", InvalidCredential: "revoked"}, "revoked", "known-bad"},
		{"JWT bearer", "    j: {type: http, scheme: bearer, bearerFormat: JWT}\n", "[{j: []}]", Config{Bearer: "tok"}, "Bearer " + malformedJWT, "not a JWT"},
		{"basic", "    b: {type: http, scheme: basic}\n", "[{b: []}]", Config{Basic: "u:p"}, wrongBearer, "declares Basic"},
		{"an open apiKey named Authorization takes anything", "    b: {type: http, scheme: basic}\n    a: {type: apiKey, in: header, name: Authorization}\n",
			"[{b: []}, {a: []}]", Config{Basic: "u:p"}, "", "accepts any value in header Authorization"},
		{"no credentials", "    b: {type: http, scheme: basic}\n", "[{b: []}]", Config{}, "", "no credentials for b"},
		{"two schemes of one alternative in one header", "    b: {type: http, scheme: basic}\n    a: {type: apiKey, in: header, name: Authorization}\n",
			"[{b: [], a: []}]", Config{Basic: "u:p", APIKey: "k"}, "", "a and b both need header Authorization"},
		{"a basic alternative takes the wrong scheme word", "    o: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x/a', scopes: {}}}}\n    b: {type: http, scheme: basic}\n",
			"[{o: []}, {b: []}]", Config{Bearer: "tok"}, "", "accepts any Basic credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := doc(tt.schemes, tt.security)
			ap := planAuth(&tt.cfg, api, api.Operation("getX"), false)
			require.True(t, ap.required)
			require.Contains(t, ap.malformedWhy, tt.why)
			if tt.malformed == "" {
				require.Nil(t, ap.malformed)
				return
			}
			require.NotEmpty(t, ap.malformed)
			require.Equal(t, tt.malformed, ap.malformed[0].value)
		})
	}
}

// TestIssue11OneTokenMeetsEveryTokenSchemeOfARequirement: Google's documents require {Oauth2: [...], Oauth2c:
// [...]} (two oauth2 schemes, both at once); one Authorization: Bearer header meets them both, while two schemes
// that need different values in one header still cannot be met.
func TestIssue11OneTokenMeetsEveryTokenSchemeOfARequirement(t *testing.T) {
	tests := []struct {
		name    string
		schemes string
		cfg     Config
		valid   []credential
		clash   string
	}{
		{"two oauth2 schemes", "    o1: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x/a', scopes: {}}}}\n    o2: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x/b', scopes: {}}}}\n",
			Config{Bearer: "tok"}, []credential{{in: "header", name: "Authorization", value: "Bearer tok"}}, ""},
		{"oauth2 and http bearer", "    o1: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x/a', scopes: {}}}}\n    o2: {type: http, scheme: bearer}\n",
			Config{Bearer: "tok"}, []credential{{in: "header", name: "Authorization", value: "Bearer tok"}}, ""},
		{"oauth2 and basic still clash", "    o1: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://x/a', scopes: {}}}}\n    o2: {type: http, scheme: basic}\n",
			Config{Bearer: "tok", Basic: "u:p"}, nil, "o1 and o2 both need header Authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /x:\n    get:\n      operationId: getX\n      security: [{o1: [], o2: []}]\n" +
				"      responses: {\"200\": {description: ok}, \"401\": {description: no}}\ncomponents:\n  securitySchemes:\n" + tt.schemes
			api, err := openapi.LoadData(t.Context(), "auth.yaml", []byte(src))
			require.NoError(t, err)
			ap := planAuth(&tt.cfg, api, api.Operation("getX"), false)
			require.True(t, ap.required)
			require.Equal(t, tt.valid, ap.valid)
			require.Equal(t, tt.clash, ap.clash)
		})
	}
}

// TestIssue11NoDocumentedSuccessIsASpecGap: an operation that documents only errors (or nothing) and answers a
// valid request with 200 is incomplete, not wrong.
func TestIssue11NoDocumentedSuccessIsASpecGap(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /only-errors:
    get:
      operationId: onlyErrors
      responses: {"400": {description: bad}}
`
	api, err := openapi.LoadData(t.Context(), "gap.yaml", []byte(src))
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/only-errors" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(ts.Close)
	for _, strict := range []bool{false, true} {
		rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, Strict: strict}, WithHTTPClient(ts.Client()), WithSleep(noSleep))
		require.NoError(t, err)
		require.Positive(t, rep.Summary.Checks[CheckUndocumentedSuccess].Warnings)
		require.Equal(t, strict, rep.Failed(), failedChecks(rep))
	}
}

// TestIssue11DocumentedErrorOnlyIsASpecGap: an operation that documents only an error (httpbin's /status/500,
// /status/401 with an API key) or no response at all (ReadMe's operations without responses) and answers a
// valid request with that error, or any error, does what its document says: a spec gap, not a failed
// no_server_error or auth_accepted.
func TestIssue11DocumentedErrorOnlyIsASpecGap(t *testing.T) {
	src := `openapi: 3.1.0
info: {title: t, version: "1"}
components: {securitySchemes: {k: {type: apiKey, in: header, name: X-Key}}}
security: [{k: []}]
paths:
  /status/500:
    get: {operationId: s500, responses: {"500": {description: boom}}}
  /status/401:
    get: {operationId: s401, responses: {"401": {description: no}}}
  /nothing:
    get: {operationId: nothing}
  /ok:
    get: {operationId: ok, responses: {"200": {description: ok}, "401": {description: no}}}
`
	api, err := openapi.LoadData(t.Context(), "gap.yaml", []byte(src))
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/status/500":
			w.WriteHeader(http.StatusInternalServerError)
		case "/status/401", "/ok":
			w.WriteHeader(http.StatusUnauthorized)
		case "/nothing":
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(ts.Close)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, APIKey: "key"}, WithHTTPClient(ts.Client()), WithSleep(noSleep))
	require.NoError(t, err)
	got := outcomes(rep)
	for _, id := range []string{"s500/positive/example", "s401/positive/example", "nothing/positive/example"} {
		require.Equal(t, Pass, got[id], id)
	}
	require.Equal(t, 3, rep.Summary.Checks[CheckUndocumentedSuccess].Warnings)
	require.Equal(t, Fail, got["ok/positive/example"], "an operation that documents a success still fails when valid requests are refused")
	require.Equal(t, 1, rep.Summary.Checks[CheckAuthAccepted].Failed)
}

// planSeen records how many cases were planned when each result arrived.
type planSeen struct {
	recorder
	seen []int
}

func (p *planSeen) Case(r *Result) {
	p.seen = append(p.seen, len(p.plan.Cases))
	p.recorder.Case(r)
}

// TestIssue11PlanningStreams: a run plans one operation at a time, right before sending its cases.
func TestIssue11PlanningStreams(t *testing.T) {
	rec := &planSeen{}
	rep := runPets(t, bugs{}, Config{}, WithReporter(rec))
	require.Equal(t, 4, rep.Plan.Operations)
	require.Len(t, rep.Plan.Cases, len(rep.Results), "the report's plan holds every case once the run ended")
	require.Less(t, rec.seen[0], len(rep.Plan.Cases), "the first case ran before the last operation was planned")
}

// TestIssue11ReadAfterWriteKeepsParentPathParameters: after POST /orgs/{org}/groups the read is
// GET /orgs/{org}/groups/{group_id} with the org of the write and the id of the answer.
func TestIssue11ReadAfterWriteKeepsParentPathParameters(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /orgs/{org}/groups:
    post:
      operationId: createGroup
      parameters: [{name: org, in: path, required: true, schema: {type: string}, example: acme}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, properties: {name: {type: string}}}, example: {name: ops}}}
      responses:
        "201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Group"}}}}
  /orgs/{org}/groups/{group_id}:
    get:
      operationId: getGroup
      parameters:
        - {name: org, in: path, required: true, schema: {type: string}, example: acme}
        - {name: group_id, in: path, required: true, schema: {type: integer}, example: 1}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Group"}}}}
        "404": {description: gone}
components:
  schemas:
    Group: {type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}}}
`
	api, err := openapi.LoadData(t.Context(), "groups.yaml", []byte(src))
	require.NoError(t, err)
	var mu sync.Mutex
	var reads []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/orgs/acme/groups":
			writeJSON(w, http.StatusCreated, map[string]any{"id": 7, "name": "ops"})
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/orgs/"):
			mu.Lock()
			reads = append(reads, r.URL.Path)
			mu.Unlock()
			if r.URL.Path == "/orgs/acme/groups/7" {
				writeJSON(w, http.StatusOK, map[string]any{"id": 7, "name": "ops"})
				return
			}
			writeJSON(w, http.StatusNotFound, map[string]any{})
		default:
			writeJSON(w, http.StatusNotFound, map[string]any{})
		}
	}))
	t.Cleanup(ts.Close)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, RunID: "run1"}, WithHTTPClient(ts.Client()), WithSleep(noSleep))
	require.NoError(t, err)
	require.Equal(t, Pass, outcomes(rep)["createGroup/stateful/read-after-write"], failedChecks(rep))
	mu.Lock()
	defer mu.Unlock()
	require.Contains(t, reads, "/orgs/acme/groups/7")
}

// TestIssue11UnknownPathWhereParametersSpanSegments: in a document whose path parameters may hold '/' (Google's
// /v1/{name}:verb), a suffix after /v1/{name} is part of a name, so the unknown path is a first segment no key
// has; when a key starts with a parameter, there is no such path and no case.
func TestIssue11UnknownPathWhereParametersSpanSegments(t *testing.T) {
	tests := []struct {
		name  string
		paths string
		want  string // the unknown-path case's path for getX; "" when there is no such case
	}{
		{"google custom methods", "  /v1/{name}:cancel:\n    post: {operationId: cancelX, " + params + "}\n", unknownSuffix},
		{"a key that starts with a parameter", "  /v1/{name}:cancel:\n    post: {operationId: cancelX, " + params + "}\n  /{bucket}/o:\n    get: {operationId: getO, parameters: [{name: bucket, in: path, required: true, schema: {type: string}}], responses: {\"200\": {description: ok}}}\n", ""},
		{"no spanning parameter", "", "/v1/{name}" + unknownSuffix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /v1/{name}:\n    get: {operationId: getX, " + params + "}\n" + tt.paths
			api, err := openapi.LoadData(t.Context(), "google.yaml", []byte(src))
			require.NoError(t, err)
			r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
			require.NoError(t, err)
			var got string
			for _, c := range r.Plan().Cases {
				if c.ID == "getX/negative/unknown-path" {
					got = c.Steps[0].req.path + c.Steps[0].req.suffix
				}
			}
			require.Equal(t, tt.want, got)
		})
	}
}

const params = `parameters: [{name: name, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok}, "404": {description: no}}`

// TestIssue11NoBrokenBodyWhereTheMediaTypeCannotCarryTheSchema: a text/plain body with an object schema (chain49's
// "transaction hex as plain text") is text whatever is sent, so no broken body could be told from a valid one:
// there are no body cases; a text/plain string body keeps them.
func TestIssue11NoBrokenBodyWhereTheMediaTypeCannotCarryTheSchema(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		cases  bool
	}{
		{"object schema", "{type: object, properties: {}}", false},
		{"string schema", "{type: string, maxLength: 10}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /tx:\n    post:\n      operationId: sendTx\n" +
				"      requestBody: {required: true, content: {text/plain: {schema: " + tt.schema + "}}}\n" +
				"      responses: {\"200\": {description: ok}, \"400\": {description: bad}}\n"
			api, err := openapi.LoadData(t.Context(), "text.yaml", []byte(src))
			require.NoError(t, err)
			r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
			require.NoError(t, err)
			var body []string
			for _, c := range r.Plan().Cases {
				if strings.HasPrefix(c.Name, "body-") && c.Name != "body-required" {
					body = append(body, c.Name)
				}
			}
			require.Equal(t, tt.cases, len(body) > 0, "body cases: %v", body)
		})
	}
}

// TestIssue11ExampleItsSchemaRefusesIsNotSent: a parameter example that breaks its own schema (nexmo's
// conversation_uuid "CON-f972…" of format uuid) would make the valid request invalid; a generated value is sent.
func TestIssue11ExampleItsSchemaRefusesIsNotSent(t *testing.T) {
	tests := []struct {
		name, format, example, valid string
		sent                         bool
	}{
		{"valid uuid", "uuid", "f972836a-550f-45fa-956c-12a2ab5b7d22", `^[0-9a-f]{8}-[0-9a-f]{4}-`, true},
		{"uuid example of another form", "uuid", "CON-f972836a-550f-45fa-956c-12a2ab5b7d22", `^[0-9a-f]{8}-[0-9a-f]{4}-`, false},
		{"valid duration", "duration", "P3D", `^P`, true},
		{"duration example that is no duration", "duration", "TBD", `^P`, false},
	}
	for _, tt := range tests {
		for _, version := range []string{"3.0.3", "3.1.0"} {
			t.Run(tt.name+" "+version, func(t *testing.T) {
				src := "openapi: " + version + "\ninfo: {title: t, version: \"1\"}\npaths:\n  /calls:\n    get:\n      operationId: getCalls\n" +
					"      parameters: [{name: v, in: query, required: true, schema: {type: string, format: " + tt.format + "}, example: " + tt.example + "}]\n" +
					"      responses: {\"200\": {description: ok}}\n"
				api, err := openapi.LoadData(t.Context(), "calls.yaml", []byte(src))
				require.NoError(t, err)
				r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
				require.NoError(t, err)
				for _, c := range r.Plan().Cases {
					if c.ID == "getCalls/positive/example" {
						got := c.Steps[0].req.query.Get("v")
						require.Equal(t, tt.sent, got == tt.example, got)
						require.Regexp(t, tt.valid, got)
						return
					}
				}
				t.Fatal("no positive example case")
			})
		}
	}
}

// TestIssue11UnknownIdOnlyWhereTheMockKeepsRecords: against a standin target, the unknown-id case runs where the
// path names a record of a collection the mock keeps (/things/{id} with its list and create); elsewhere
// (/licenses/{license}, no collection) the mock cannot tell an unknown id from a known one, and it is skipped.
// Against another server both run.
func TestIssue11UnknownIdOnlyWhereTheMockKeepsRecords(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get: {operationId: listThings, responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}}}}
    post: {operationId: createThing, requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}, responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}}}
  /things/{id}:
    get: {operationId: getThing, parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}, "404": {description: no}}}
  /licenses/{license}:
    get: {operationId: getLicense, parameters: [{name: license, in: path, required: true, schema: {type: string}}], responses: {"200": {description: ok}, "404": {description: no}}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: string}, name: {type: string}}}
`
	api, err := openapi.LoadData(t.Context(), "kept.yaml", []byte(src))
	require.NoError(t, err)
	for _, standin := range []bool{true, false} {
		r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
		require.NoError(t, err)
		r.standin = standin
		skips := map[string]string{}
		for _, c := range r.Plan().Cases {
			if c.Name == "unknown-id" {
				skips[c.Operation] = c.skipCat
			}
		}
		require.Equal(t, "", skips["getThing"], "standin=%v", standin)
		require.Contains(t, skips, "getLicense")
		if standin {
			require.Equal(t, skipNotKept, skips["getLicense"])
		} else {
			require.Equal(t, "", skips["getLicense"])
		}
	}
}

// TestIssue11BinaryBodyOfAnyTypeIsSentAsBytes: Apideck's upload part is */* with a binary string schema; a client
// sends the bytes (application/octet-stream), not a JSON string, and a body of bytes cannot be of a wrong type, so
// there are no body-type or body-nullable cases.
func TestIssue11BinaryBodyOfAnyTypeIsSentAsBytes(t *testing.T) {
	src := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /parts:\n    put:\n      operationId: uploadPart\n" +
		"      requestBody: {required: true, content: {'*/*': {schema: {type: string, format: binary, example: '<binary string>'}}}}\n" +
		"      responses: {\"200\": {description: ok}, \"400\": {description: bad}}\n"
	api, err := openapi.LoadData(t.Context(), "parts.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	var names []string
	for _, c := range r.Plan().Cases {
		names = append(names, c.Name)
		if c.ID == "uploadPart/positive/example" {
			req := c.Steps[0].req
			require.Equal(t, "application/octet-stream", req.header.Get("Content-Type"))
			require.Equal(t, "<binary string>", string(req.payload()))
		}
	}
	require.Contains(t, names, "body-required")
	require.NotContains(t, names, "body-type")
	require.NotContains(t, names, "body-nullable")
}

// TestIssue11RoutingParameterCasesSaySo: breaking the parameter an AWS path key names (/#X-Amz-Target=S.Op)
// addresses no single operation; the case's note says so.
func TestIssue11RoutingParameterCasesSaySo(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /#X-Amz-Target=S.ListTags:
    post:
      operationId: ListTags
      parameters: [{name: X-Amz-Target, in: header, required: true, schema: {type: string, enum: [S.ListTags]}}]
      responses: {"200": {description: ok}, "400": {description: bad}}
`
	api, err := openapi.LoadData(t.Context(), "aws.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	notes := map[string]string{}
	for _, c := range r.Plan().Cases {
		notes[c.Name] = c.Steps[0].Note
	}
	for _, name := range []string{"header-X-Amz-Target-required", "header-X-Amz-Target-enum"} {
		require.Contains(t, notes[name], "the parameter selects the operation: path key #X-Amz-Target=S.ListTags", name)
	}
}

// TestAmbiguousOneOfIsTheDocuments: an answer that matches two oneOf alternatives accepting the same values is a
// finding about the document (ambiguous_schema, a warning; a failure under Strict), while an answer matching two
// alternatives a value could tell apart stays the server's body_schema failure.
func TestAmbiguousOneOfIsTheDocuments(t *testing.T) {
	matchesBoth := func() *httptest.Server {
		s := newSpecServer(t, "testdata/ambiguous.yaml")
		s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
			// Matches both alternatives of the 200, which a value can tell apart: the server's fault.
			writeJSON(w, http.StatusOK, map[string]any{"id": params["id"], "name": "x"})
		}
		return s.start()
	}
	// The 400 for a broken id is answered by specServer's validation with {"message": ...}: add the error field.
	errServer := func() *httptest.Server {
		s := newSpecServer(t, "testdata/ambiguous.yaml")
		s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
			writeJSON(w, http.StatusOK, map[string]any{"id": params["id"]})
		}
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(strings.TrimPrefix(r.URL.Path, "/things/"), "t-") {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "ID_INVALID", "message": "bad id"})
				return
			}
			s.ServeHTTP(w, r)
		}))
		t.Cleanup(ts.Close)
		return ts
	}

	rep := runAgainst(t, errServer(), "testdata/ambiguous.yaml", Config{})
	require.Empty(t, failedChecks(rep), "the ambiguous 400 is the document's")
	require.Positive(t, rep.Summary.Checks[CheckAmbiguousSchema].Warnings)
	require.Zero(t, rep.Summary.Checks[CheckBodySchema].Failed)

	rep = runAgainst(t, errServer(), "testdata/ambiguous.yaml", Config{Strict: true})
	require.True(t, failedCheckNames(rep)[CheckAmbiguousSchema], "--strict makes the finding fail")

	rep = runAgainst(t, matchesBoth(), "testdata/ambiguous.yaml", Config{})
	require.True(t, failedCheckNames(rep)[CheckBodySchema], "alternatives a value can tell apart: the server chose a body matching both")
	require.Zero(t, rep.Summary.Checks[CheckAmbiguousSchema].Warnings)
}

// TestUnplacedPathParameterIsSkipped: an operation whose path parameter sits after a '#' in its key (mastercard's
// /send/#env/v1/partners/{partnerId}/transfer) cannot be requested; its cases are skipped as a gap in the
// document, never sent and failed.
func TestUnplacedPathParameterIsSkipped(t *testing.T) {
	doc := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{` +
		`"/send/#env/v1/partners/{partnerId}/transfer":{"post":{"operationId":"transfer",` +
		`"parameters":[{"name":"partnerId","in":"path","required":true,"schema":{"type":"string"}}],` +
		`"responses":{"200":{"description":"ok"}}}},` +
		`"/ping":{"get":{"operationId":"ping","responses":{"200":{"description":"ok"}}}}}}`
	api, err := openapi.LoadData(t.Context(), "unplaced.json", []byte(doc))
	require.NoError(t, err)
	var hits sync.Map
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, true)
		if r.URL.Path != "/ping" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(ts.Close)
	rep, err := Run(t.Context(), Config{API: api, Target: ts.URL, RunID: "run1"}, WithHTTPClient(ts.Client()), WithSleep(noSleep), WithClock(fixedClock))
	require.NoError(t, err)
	require.False(t, rep.Failed(), "%v", failedChecks(rep))
	var transfer int
	for _, r := range rep.Results {
		if r.Case.Operation == "transfer" {
			transfer++
			require.Equal(t, Skip, r.Outcome, r.Case.ID)
			require.Contains(t, r.SkipReason, "path parameter partnerId has no place")
		}
	}
	require.Positive(t, transfer)
	_, sent := hits.Load("/send/")
	require.False(t, sent, "no request for the operation that cannot be addressed")
	_, pinged := hits.Load("/ping")
	require.True(t, pinged)
}

// operationServer implements testdata/operations.yaml: an insert answers an Operation of its own (its endTime is
// when the operation ended, not the backup's), the update answers the backup; every id names a backup.
// ignoresUpdate keeps the old description.
func operationServer(t *testing.T, ignoresUpdate bool) *httptest.Server {
	s := newSpecServer(t, "testdata/operations.yaml")
	var mu sync.Mutex // guards backups
	backups := map[string]map[string]any{"b-1": {"id": "b-1", "description": "nightly", "status": "DONE"}}
	s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
		mu.Lock()
		defer mu.Unlock()
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		switch op {
		case "insertBackup":
			id := "b-" + strconv.Itoa(len(backups)+1)
			rec := map[string]any{"id": id}
			for _, k := range []string{"description", "endTime", "status"} {
				if v, ok := in[k]; ok {
					rec[k] = v
				}
			}
			backups[id] = rec
			writeJSON(w, http.StatusOK, map[string]any{"name": "operations/" + id, "done": false,
				"endTime": "2001-02-03T04:05:06Z", "status": "RUNNING"})
		case "getBackup", "updateBackup":
			rec, ok := backups[params["id"]]
			if !ok { // every id names a backup
				rec = map[string]any{"id": params["id"], "description": "weekly", "status": "PENDING"}
				backups[params["id"]] = rec
			}
			if d, ok := in["description"]; ok && op == "updateBackup" && !ignoresUpdate {
				rec["description"] = d
			}
			writeJSON(w, http.StatusOK, rec)
		}
	}
	return s.start()
}

// TestWriteAnsweringAnotherResource: the answer of a write must show the values written only when it is the
// record the read returns. An Operation sharing field names with the record (endTime, status) is not, so an
// insert answering one passes; an update answering the record without the write still fails.
func TestWriteAnsweringAnotherResource(t *testing.T) {
	tests := []struct {
		name          string
		ignoresUpdate bool
		wantFailed    []string
	}{
		{"a correct server", false, nil},
		{"an ignored update", true, []string{"updateBackup/positive/generated-1 " + CheckBehaviourConsistent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runAgainst(t, operationServer(t, tt.ignoresUpdate), "testdata/operations.yaml", Config{})
			got := outcomes(rep)
			require.Equal(t, Pass, got["insertBackup/positive/generated-1"], "%v", failedChecks(rep))
			for _, f := range tt.wantFailed {
				require.Contains(t, failedChecks(rep), f)
			}
			for _, f := range failedChecks(rep) {
				require.NotContains(t, f, "insertBackup", "the Operation's endTime is not the backup's")
			}
		})
	}
}

// TestRoutingConditionCases: where a key's conditions (after '#') pick one of the operations sharing a path, a
// negative case that drops a condition's parameter, or gives it another value than the condition names, is
// skipped when the request then meets another operation's conditions (it is that operation's request, which it
// may meet: found on AWS Chime SDK Messaging), and kept when it meets none; the unknown path of an operation is
// one no path template takes, conditions aside.
func TestRoutingConditionCases(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /channels/{arn}#x-amz-chime-bearer:
    get:
      operationId: DescribeChannel
      parameters:
        - {name: arn, in: path, required: true, schema: {type: string}}
        - {name: x-amz-chime-bearer, in: header, required: true, schema: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}}
  /channels/{arn}#scope=membership&user&x-amz-chime-bearer:
    get:
      operationId: DescribeMembership
      parameters:
        - {name: arn, in: path, required: true, schema: {type: string}}
        - {name: scope, in: query, required: true, schema: {type: string, enum: [membership]}}
        - {name: user, in: query, required: true, schema: {type: string, minLength: 5}}
        - {name: x-amz-chime-bearer, in: header, required: true, schema: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}}
  /channels/{arn}/messages#x-amz-chime-bearer:
    get:
      operationId: ListMessages
      parameters:
        - {name: arn, in: path, required: true, schema: {type: string}}
        - {name: x-amz-chime-bearer, in: header, required: true, schema: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}}
  /channels/{arn}/messages/{id}#x-amz-chime-bearer:
    get:
      operationId: GetMessage
      parameters:
        - {name: arn, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: x-amz-chime-bearer, in: header, required: true, schema: {type: string}}
      responses: {"200": {description: ok}, "400": {description: bad}, "404": {description: none}}
`
	api, err := openapi.LoadData(t.Context(), "chime.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	cases := map[string]*Case{}
	for _, c := range r.Plan().Cases {
		cases[c.Operation+"/"+c.Name] = c
	}
	for _, tc := range []struct {
		name    string
		skipped bool
	}{
		{"DescribeMembership/query-scope-required", true},                // then DescribeChannel's request
		{"DescribeMembership/query-user-required", true},                 // likewise
		{"DescribeMembership/query-scope-enum", true},                    // another scope than the condition names
		{"DescribeMembership/query-user-minLength", false},               // user is present: still DescribeMembership
		{"DescribeMembership/header-x-amz-chime-bearer-required", false}, // no operation takes a request without it
	} {
		c := cases[tc.name]
		require.NotNil(t, c, "case %s is planned", tc.name)
		if tc.skipped {
			require.Equal(t, skipSelects, c.skipCat, tc.name)
			require.Contains(t, c.skip, "DescribeChannel", tc.name)
		} else {
			require.Empty(t, c.skip, tc.name)
		}
	}
	c := cases["ListMessages/unknown-path"]
	require.NotNil(t, c, "ListMessages has an unknown path")
	path := c.Steps[0].req.urlPath()
	require.NotRegexp(t, `^/channels/[^/]+/messages/[^/]+$`, path, "GetMessage's template takes %s", path)
}

// TestDryRunStopsWhenCancelled: planning stops between operations once the context is done (a dry run of a
// large document plans for long; Ctrl-C and SIGTERM end it).
func TestDryRunStopsWhenCancelled(t *testing.T) {
	api, err := openapi.LoadFile(t.Context(), "testdata/ambiguous.yaml")
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := r.Run(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, rep)
	rep, err = r.Run(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, rep.Plan.Cases, "the same runner plans when not cancelled")
}

// TestHeaderExampleHTTPCannotCarry: a header parameter's example with a control character in it (a YAML block
// leaves a newline at the end: openbankingproject.ch's Signature) is not used: no request could carry it, and
// every case of the operation failed with "no response". A generated value takes its place.
func TestHeaderExampleHTTPCannotCarry(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /payments:
    get:
      operationId: listPayments
      parameters:
        - name: Signature
          in: header
          required: true
          schema: {type: string}
          example: |
            keyId="SN=9FA1",algorithm="rsa-sha256"
        - name: X-Request-ID
          in: header
          required: true
          schema: {type: string}
          example: 99391c7e-ad88-49ec-a2ad-99ddcb1f7721
      responses: {"200": {description: ok}, "400": {description: bad}}
`
	api, err := openapi.LoadData(t.Context(), "sig.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	var sent int
	for _, c := range r.Plan().Cases {
		for _, st := range c.Steps {
			for name, vs := range st.req.header {
				for _, v := range vs {
					require.True(t, headerSafe(v), "%s: header %s %q", c.Name, name, v)
				}
			}
			if v := st.req.header.Get("Signature"); v != "" {
				sent++
				require.NotContains(t, v, "\n")
			}
		}
	}
	require.Positive(t, sent, "the cases still send a Signature")
	require.False(t, headerSafe("a\nb"))
	require.True(t, headerSafe("a\tb c"))
}

// TestNoNegativeCasesOnCredentialParameters: a parameter that is also where an apiKey scheme of the operation
// puts its credential (VTEX declares X-VTEX-API-AppKey as both) gets no negative cases: the credentials go in
// at send time over whatever the case did, so "leave out the required header" sent it anyway and failed on a
// 200. The auth cases break credentials; other parameters keep their cases.
func TestNoNegativeCasesOnCredentialParameters(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
security: [{appKey: []}]
components:
  securitySchemes:
    appKey: {type: apiKey, in: header, name: X-VTEX-API-AppKey}
paths:
  /config:
    put:
      operationId: putConfig
      parameters:
        - {name: x-vtex-api-appkey, in: header, required: true, schema: {type: string}}
        - {name: X-Tenant, in: header, required: true, schema: {type: string, minLength: 3}}
      responses: {"200": {description: ok}, "400": {description: bad}, "401": {description: no}}
`
	api, err := openapi.LoadData(t.Context(), "vtex.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, c := range r.Plan().Cases {
		names[string(c.Kind)+"/"+c.Name] = true
	}
	require.False(t, names["negative/header-x-vtex-api-appkey-required"], "%v", names)
	require.True(t, names["negative/header-X-Tenant-required"], "%v", names)
	require.True(t, names["negative/header-X-Tenant-minLength"], "%v", names)
	require.True(t, names["auth/missing"], "%v", names)
}

// TestFormPropertyEncodedAsJSON: a form property whose encoding names a JSON type is sent as one field holding
// its JSON text (seldon's /aggregate takes json={"seldonMessages": [...]}); before, its members went out as
// bracketed fields of their own, which no server reading the document would take.
func TestFormPropertyEncodedAsJSON(t *testing.T) {
	mt := &openapi3.MediaType{Encoding: map[string]*openapi3.Encoding{
		"json":  {ContentType: "application/json"},
		"other": {ContentType: "text/plain"},
	}}
	got := encodeForm(mt, map[string]any{
		"json": map[string]any{"seldonMessages": []any{map[string]any{"binData": "QQ=="}}},
		"x":    map[string]any{"a": "1"},
	})
	require.Equal(t, "json="+url.QueryEscape(`{"seldonMessages":[{"binData":"QQ=="}]}`)+"&a=1", got)
	require.Equal(t, "application/json", partType(" Application/JSON; charset=utf-8, text/plain"))
}

// TestNoCaseSendsABodyKnownInvalid: where the generator finds no body the request schema accepts (WhatsApp's
// shards: an integer whose enum lists strings), the positive and forced-success cases are skipped under their own
// reason rather than sending a body known to be invalid and failing on the 400; generated cases are left out.
func TestNoCaseSendsABodyKnownInvalid(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /account/shards:
    post:
      operationId: SetShards
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [shards]
              properties:
                shards: {type: integer, enum: ["1", "2", "4"]}
      responses: {"200": {description: ok}, "400": {description: bad}}
`
	api, err := openapi.LoadData(t.Context(), "shards.yaml", []byte(src))
	require.NoError(t, err)
	r, err := New(Config{API: api, Target: "http://127.0.0.1:1", DryRun: true, RunID: "t"})
	require.NoError(t, err)
	r.standin = true // forced cases are planned for a standin target
	cases := map[string]*Case{}
	for _, c := range r.Plan().Cases {
		cases[string(c.Kind)+"/"+c.Name] = c
	}
	require.Equal(t, skipNoBody, cases["positive/example"].skipCat)
	require.Equal(t, skipNoBody, cases["forced/200"].skipCat)
	require.Empty(t, cases["forced/400"].skip, "an error can be forced whatever the body")
	require.Nil(t, cases["positive/generated-1"])
}

// TestEmptyTextIsText: an empty body under a documented plain-text type passes content_type (empty text is
// text); under a JSON type it still fails, an empty body being no JSON document.
func TestEmptyTextIsText(t *testing.T) {
	s := newSpecServer(t, "testdata/emptytext.yaml")
	s.handle = func(w http.ResponseWriter, r *http.Request, op string, params map[string]string) {
		if op == "getNote" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(http.StatusOK)
	}
	rep := runAgainst(t, s.start(), "testdata/emptytext.yaml", Config{})
	failed := failedChecks(rep)
	require.Contains(t, failed, "getDoc/positive/example content_type")
	require.NotContains(t, failed, "getNote/positive/example content_type")
}
