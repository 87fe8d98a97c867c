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

// maskSecrets replaces every secret in s, as written and as query-escaped. A short secret (under 8 bytes) is
// replaced only where it stands alone, not inside a longer word: `--bearer t` must not turn "http" into
// "h****p", and a short secret written inside a word does not give that secret away.
func maskSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		forms := []string{secret}
		if esc := url.QueryEscape(secret); esc != secret {
			forms = append(forms, esc)
		}
		for _, f := range forms {
			if len(secret) >= 8 {
				s = strings.ReplaceAll(s, f, masked)
			} else {
				s = replaceWords(s, f)
			}
		}
	}
	return s
}

// replaceWords replaces each occurrence of w in s that no letter, digit, '_', '-' or '.' touches on either side.
func replaceWords(s, w string) string {
	var b strings.Builder
	from := 0 // s[:from] is written
	for at := 0; ; {
		i := strings.Index(s[at:], w)
		if i < 0 {
			b.WriteString(s[from:])
			return b.String()
		}
		i += at
		end := i + len(w)
		if (i == 0 || !wordByte(s[i-1])) && (end == len(s) || !wordByte(s[end])) {
			b.WriteString(s[from:i] + masked)
			from, at = end, end
			continue
		}
		at = i + 1
	}
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
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
