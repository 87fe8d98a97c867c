//go:build corpus

package mock

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/openapi"

	"github.com/standin/standin/internal/corpus"
)

// TestRouterCorpus routes a request built from every operation's path key of the APIs.guru Google and AWS
// documents (read without validation: many do not pass kin-openapi's checks yet) and counts how many reach
// their own operation. Keys that are the same template under other parameter names (Google's "equivalent
// paths") cannot all be told apart; they are counted separately.
//
//	go test -tags corpus -run TestRouterCorpus -v ./mock/
func TestRouterCorpus(t *testing.T) {
	dir := os.Getenv("STANDIN_APIS_GURU")
	if dir == "" {
		dir = corpus.APIsGuru()
	}
	for _, vendor := range []string{"googleapis.com", "amazonaws.com"} {
		files, _ := filepath.Glob(filepath.Join(dir, vendor, "*.json"))
		var docs, ops, routed, equivalent, wrong, refRouted int
		for _, f := range files {
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromFile(f)
			if err != nil || doc.Paths == nil {
				continue
			}
			docs++
			api := &openapi.API{Doc: doc}
			if len(doc.Servers) > 0 {
				if u, err := url.Parse(doc.Servers[0].URL); err == nil {
					api.BasePath = strings.TrimSuffix(u.Path, "/")
				}
			}
			pr := newPathRouter(api)
			ref, refErr := api.Router("") // kin-openapi's gorillamux router, the reference
			shapes := map[string]int{}
			for key := range doc.Paths.Map() {
				shapes[shape(key)]++
			}
			for key, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					ops++
					req := requestFor(api.BasePath, key, method)
					if refErr == nil {
						if route, _, err := ref.FindRoute(req); err == nil && route.Operation == op {
							refRouted++
						}
					}
					route, _, err := pr.FindRoute(req)
					switch {
					case err == nil && route.Operation == op:
						routed++
					case shapes[shape(key)] > 1:
						equivalent++
					default:
						wrong++
						if wrong <= 5 {
							got := "error " + errString(err)
							if err == nil {
								got = route.Path
							}
							t.Logf("%s: %s %s routed to %s", filepath.Base(f), method, key, got)
						}
					}
				}
			}
		}
		t.Logf("%s: %d documents, %d operations: %d routed to themselves, %d equivalent templates, %d elsewhere; gorillamux (reference): %d routed to themselves",
			vendor, docs, ops, routed, equivalent, wrong, refRouted)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// shape is a key with parameter names erased.
func shape(key string) string {
	var b strings.Builder
	for _, p := range parseTemplate(key) {
		if p.param != "" {
			b.WriteString("{}")
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// requestFor builds a request that the key describes: parameters filled, fragment and query pairs sent as
// headers and query parameters (a bare name or a "{param}" value with a value of its own).
func requestFor(base, key, method string) *httptestRequest {
	path, extra := key, ""
	if i := strings.IndexAny(key, "#?"); i >= 0 {
		path, extra = key[:i], key[i+1:]
	}
	var b strings.Builder
	for _, p := range parseTemplate(path) {
		if p.param != "" {
			b.WriteString("v-" + p.param)
		} else {
			b.WriteString(p.lit)
		}
	}
	req := httptest.NewRequest(method, "http://x"+base+b.String(), nil)
	q := url.Values{}
	for _, pair := range strings.FieldsFunc(extra, func(c rune) bool { return c == '&' || c == '#' }) {
		name, value, valued := strings.Cut(pair, "=")
		if !valued || strings.HasPrefix(value, "{") { // "#tagKeys", "?city={city}": any value, as clients send one
			value = "x"
		}
		req.Header.Set(name, value)
		q.Set(name, value)
	}
	req.URL.RawQuery = q.Encode()
	return req
}

type httptestRequest = http.Request
