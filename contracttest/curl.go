package contracttest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// masked replaces every credential in reports.
const masked = "****"

// maskHeader copies h with the user's credentials masked wherever they appear in a value. An Authorization
// value keeps its scheme word ("Bearer ****") so a reader can tell which scheme was sent. Credentials the runner
// made up (a malformed key, a standin token) are not secrets and stay readable.
func maskHeader(h http.Header, secrets []string) http.Header {
	out := h.Clone()
	for name, vals := range out {
		for i, v := range vals {
			vals[i] = maskSecrets(v, secrets)
		}
		out[name] = vals
	}
	return out
}

// maskSecrets replaces every secret in s, as written and as query-escaped.
func maskSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		s = strings.ReplaceAll(s, secret, masked)
		if esc := url.QueryEscape(secret); esc != secret {
			s = strings.ReplaceAll(s, esc, masked)
		}
	}
	return s
}

// maskURL masks the user's credentials sent in the query (or anywhere else in the URL).
func maskURL(raw string, secrets []string) string { return maskSecrets(raw, secrets) }

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
