package mock

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the logger's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestIssue13MaskingByShape: a credential the spec does not name never reaches the journal or the logs in clear,
// wherever it hides: a header, a query parameter, a JSON or form body field, a body cut short by the journal.
func TestIssue13MaskingByShape(t *testing.T) {
	var logs lockedBuffer
	ts, _ := engineServer(t, Config{}, engineAPIs(t, "aelyst"), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	long := strings.Repeat("x", 5000)
	tests := []struct {
		name, method, path, body string
		headers                  []string
		secret                   string
	}{
		{"X-Auth-Token header", "GET", "/v1/contact/id:1", "", []string{"X-Auth-Token", "sekrit-h1"}, "sekrit-h1"},
		{"X-Amz-Security-Token header", "GET", "/v1/contact/id:1", "", []string{"X-Amz-Security-Token", "sekrit-h2"}, "sekrit-h2"},
		{"cookie", "GET", "/v1/contact/id:1", "", []string{"Cookie", "sid=sekrit-c1"}, "sekrit-c1"},
		{"the spec's own scheme", "GET", "/v1/contact/id:1", "", nil, "test-token-123"},
		{"api_key query", "GET", "/v1/contact/id:1?api_key=sekrit-q1", "", nil, "sekrit-q1"},
		{"access_token query", "GET", "/v1/contact/id:1?x=1&access_token=sekrit-q2", "", nil, "sekrit-q2"},
		{"Client-Secret query, any case", "GET", "/v1/contact/id:1?Client-Secret=sekrit-q3", "", nil, "sekrit-q3"},
		{"password in a JSON body", "POST", "/v1/contact/id:1/conversation/assignee",
			`{"assignee":null,"password":"sekrit-b1","nested":{"refreshToken":"sekrit-b2","n":1}}`, nil, "sekrit-b"},
		{"apiKey number in a JSON body", "POST", "/v1/contact/id:1/conversation/assignee", `{"apiKey":12345678987654321}`, nil, "12345678987654321"},
		{"secret in a body the journal cuts", "POST", "/v1/contact/id:1/conversation/assignee",
			`{"pad":"` + long[:4070] + `","secret":"sekrit-b3-` + long + `"}`, nil, "sekrit-b3"},
		{"password in a form body", "POST", "/v1/contact/id:1/conversation/assignee", "user=ana&password=sekrit-f1&x=1",
			[]string{"Content-Type", "application/x-www-form-urlencoded"}, "sekrit-f1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session := "mask" + strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
					return r
				}
				return -1
			}, tt.name)
			session = session[:min(len(session), 60)]
			h := append([]string{"Authorization", engineBearer, SessionHeader, session}, tt.headers...)
			body := tt.body
			if body != "" && len(tt.headers) == 0 {
				h = append(h, "Content-Type", "application/json")
			}
			engineDo(t, ts, tt.method, tt.path, body, h...)
			j := engineDo(t, ts, "GET", AdminPrefix+"journal", "", SessionHeader, session)
			require.Equal(t, 200, j.status)
			require.Contains(t, string(j.body), maskedValue)
			require.Contains(t, string(j.body), `"path":"`+strings.Split(tt.path, "?")[0]+`"`, "the request was journalled")
			require.NotContains(t, string(j.body), tt.secret, "journal")
			require.NotContains(t, logs.String(), tt.secret, "log")
		})
	}
}

func TestBodyMasker(t *testing.T) {
	m := newBodyMasker([]string{"pin"})
	tests := []struct{ in, want string }{
		{`{"a":1,"password":"x","b":"y"}`, `{"a":1,"password":"****","b":"y"}`},
		{`{"user_token": "a\"b", "ok": true}`, `{"user_token": "****", "ok": true}`},
		{`[{"SECRET":null},{"Key":false}]`, `[{"SECRET":"****"},{"Key":"****"}]`},
		{`{"pin":1234}`, `{"pin":"****"}`},
		{`{"name":"token"}`, `{"name":"token"}`},
		{`{"apiKey":"cut sho`, `{"apiKey":"****"`},
		{`a=1&api_key=zz&b=2`, `a=1&api_key=****&b=2`},
		{`plain text password=x with spaces`, `plain text password=x with spaces`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, string(m.mask([]byte(tt.in))), tt.in)
	}
}

// TestBodyMaskerMentions: the quick test that lets a body skip the masking expressions says yes for every body
// that names a credential word or a secret field in any case (or is not ASCII), and no otherwise.
func TestBodyMaskerMentions(t *testing.T) {
	m := newBodyMasker([]string{"pin_code"})
	for _, tt := range []struct {
		body string
		want bool
	}{
		{`{"assignedTo":"7869c1a9"}`, false},
		{`{"name":"Ana","tags":["a","b"]}`, false},
		{``, false},
		{`{"apiKey":1}`, true},
		{`{"x":{"REFRESH_TOKEN":"t"}}`, true},
		{`user=ana&PassWord=x`, true},
		{`{"Pin_Code":"1234"}`, true},
		{`{"note":"café"}`, true}, // not ASCII: left to the expressions
		{`{"tok":"en"}`, false},
		{`{"x":"secre"}`, false},
		{`kEy`, true},
		{`{"a":"ends with TOKEN"}`, true},
		{`{"a":"p"}`, false}, // a one-letter extra name: see below
	} {
		require.Equal(t, tt.want, m.mentions([]byte(tt.body)), tt.body)
	}
	short := newBodyMasker([]string{"Q", "", "naïve"})
	require.True(t, short.mentions([]byte(`{"a":1}`)), "an empty secret name is in every body")
	short = newBodyMasker([]string{"Q", "naïve"})
	require.True(t, short.mentions([]byte(`{"q":1}`)), "a one-letter name, any case")
	require.False(t, short.mentions([]byte(`{"a":"naive"}`)), "a name that is not ASCII is not in an ASCII body")
	require.True(t, short.mentions([]byte(`{"a":"naïve"}`)))
}

// TestBodyMaskerMentionsAgreesWithLowerContains: the anchored search answers as lower-casing the body and looking
// for each name would, on bodies built from pieces of the names in every case and position.
func TestBodyMaskerMentionsAgreesWithLowerContains(t *testing.T) {
	extra := []string{"pin_code", "X", "zz9"}
	m := newBodyMasker(extra)
	names := append(append([]string{}, credentialWords...), extra...)
	slow := func(b string) bool {
		lower := strings.ToLower(b)
		for _, n := range names {
			if strings.Contains(lower, strings.ToLower(n)) {
				return true
			}
		}
		return false
	}
	pieces := []string{"to", "ken", "TOK", "en", "sec", "RET", "pass", "W", "k", "E", "y", "autho", "rization", "cook",
		"ie", "cred", "ential", "sig", "nature", "pin_", "CODE", "zz", "9", "x", "{", "\"", ":", " ", "ab", "_"}
	seed := uint32(7)
	for range 20000 {
		var sb strings.Builder
		seed = seed*1664525 + 1013904223
		for n := int(seed>>28) + 1; n > 0; n-- {
			seed = seed*1664525 + 1013904223
			sb.WriteString(pieces[int(seed>>16)%len(pieces)])
		}
		body := sb.String()
		require.Equal(t, slow(body), m.mentions([]byte(body)), "%q", body)
		require.Equal(t, slow(body), m.mentionsKey(body), "key %q", body)
	}
}

// TestRecorderCleanJSON: the journal keeps an answer as written, unmasked and unchecked, only when writeJSON
// encoded it whole from a value none of whose keys may name a credential, and it is an object or an array.
func TestRecorderCleanJSON(t *testing.T) {
	m := newMasker(nil)
	big := map[string]any{"pad": strings.Repeat("x", jsonStreamThreshold)}
	tests := []struct {
		name  string
		body  any
		more  string // a second write after writeJSON's
		clean bool
	}{
		{"object without credential keys", map[string]any{"id": "1", "nested": []any{map[string]any{"name": "token"}}}, "", true},
		{"array", []any{1.0, "secret"}, "", true},
		{"a key naming a credential", map[string]any{"id": "1", "nested": map[string]any{"refreshToken": "t"}}, "", false},
		{"a key in another case", map[string]string{"X-API-KEY": "t"}, "", false},
		{"a key not ASCII", map[string]any{"clé": "t"}, "", false},
		{"a string, which the form masking may rewrite", "a=1&token=2", "", false},
		{"a value encoded by encoding/json", map[string]any{"p": struct{ Password string }{"x"}}, "", false},
		{"written further", map[string]any{"id": "1"}, "more", false},
		{"streamed", big, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{ResponseWriter: httptest.NewRecorder(), watch: m.body.keyMentions}
			writeJSON(rec, 200, nil, tt.body)
			if tt.more != "" {
				_, _ = rec.Write([]byte(tt.more))
			}
			require.Equal(t, tt.clean, rec.clean)
			if !rec.truncated {
				kept, _ := m.journalBodyOwned(rec.body)
				if tt.clean {
					require.Equal(t, string(kept), string(rec.body), "the masking would have kept it as it is too")
				}
			}
		})
	}
}

// TestMentionsKeyKnownKeys: field names the document declares are looked up, not searched, and a declared name
// that names a credential is still reported.
func TestMentionsKeyKnownKeys(t *testing.T) {
	doc := engineAPIs(t, "carecycle")[0].Doc
	names := declaredFieldNames(doc)
	require.Contains(t, names, "assignedTo")
	require.Contains(t, names, "callbackRequestedBy")
	m := newBodyMasker(nil)
	m.knowKeys(append(names, "apiKey", "Session_Token", "x"))
	require.True(t, m.plainKeys.Load().has("assignedTo"))
	require.False(t, m.plainKeys.Load().has("apiKey"))
	for key, want := range map[string]bool{"assignedTo": false, "x": false, "apiKey": true, "Session_Token": true,
		"undeclaredPassword": true, "undeclared": false} {
		require.Equal(t, want, m.mentionsKey(key), key)
	}
}

// TestKeySet: the set finds every member and nothing else, with keys of every length sharing their first and last
// bytes (equal hashes' neighbours).
func TestKeySet(t *testing.T) {
	var in, out []string
	for n := 1; n <= 40; n++ {
		for _, mid := range []string{"a", "b", "ab"} {
			k := strings.Repeat("x", n/2) + mid + strings.Repeat("y", n-n/2)
			if n%3 == 0 {
				out = append(out, k)
			} else {
				in = append(in, k)
			}
		}
	}
	ks := newKeySet(append(in, in[0])) // a repeated name is kept once
	for _, k := range in {
		require.True(t, ks.has(k), k)
	}
	for _, k := range append(out, "", "x", "unknown") {
		require.False(t, ks.has(k), k)
	}
	require.False(t, keySet{}.has("x"), "the empty set")
	require.False(t, newKeySet(nil).has("x"))
}
