package contracttest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// masked replaces every credential in reports.
const masked = "****"

// maskHeader copies h with the values of credential headers masked. An Authorization value keeps its scheme
// word ("Bearer ****") so a reader can tell which scheme was sent.
func maskHeader(h http.Header, s secretNames) http.Header {
	out := h.Clone()
	for _, name := range s.headers {
		vals := out.Values(name)
		if len(vals) == 0 {
			continue
		}
		masks := make([]string, len(vals))
		for i, v := range vals {
			masks[i] = masked
			if scheme, _, ok := strings.Cut(v, " "); ok && strings.EqualFold(name, "Authorization") {
				masks[i] = scheme + " " + masked
			}
		}
		out[http.CanonicalHeaderKey(name)] = masks
	}
	return out
}

// maskURL masks credentials sent in the query.
func maskURL(raw string, s secretNames) string {
	if len(s.query) == 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	changed := false
	for _, name := range s.query {
		if q.Has(name) {
			q.Set(name, masked)
			changed = true
		}
	}
	if !changed {
		return raw
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// curl writes a request as a curl command line, quoted for a POSIX shell. Headers are in name order.
func curl(info RequestInfo) string {
	var b strings.Builder
	b.WriteString("curl -sS -X " + info.Method + " " + shellQuote(info.URL))
	names := make([]string, 0, len(info.Header))
	for k := range info.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range info.Header[k] {
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if info.Body != "" {
		b.WriteString(" --data-raw " + shellQuote(info.Body))
	}
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
