package mock

import (
	"crypto/sha256"
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// AdminTokenEnv names the environment variable `standin serve` reads the admin token from.
const AdminTokenEnv = "STANDIN_ADMIN_TOKEN"

// adminAccess is the one gate in front of every admin endpoint (the dashboard's pages and streams included). In
// order, it refuses:
//
//   - a Host that is not localhost, a loopback address, the address the connection arrived on, or a name given in
//     Config.AllowHosts: 421, so a DNS-rebound page (evil.example resolving to 127.0.0.1) cannot reach it;
//   - a browser request from another origin (an Origin header other than the server's own or one in
//     Config.AllowOrigins, or Sec-Fetch-Site cross-site/same-site without such an Origin): 403, so a page the
//     developer visits cannot reset state or install faults with a "simple" cross-origin POST;
//   - a write (POST, PUT, PATCH, DELETE) whose Content-Type is not JSON: 415, the other half of the same defence
//     (a cross-origin form or text/plain POST needs no preflight);
//   - when Config.AdminToken is set, a request without "Authorization: Bearer <token>" (compared in constant
//     time): 401. The dashboard's static page and assets are exempt from the token only, so the page can load
//     and then ask for it.
//
// Every refusal is standin's JSON error body naming what to change.
func (s *Server) adminAccess(next http.Handler) http.Handler {
	allowHosts := map[string]bool{"localhost": true}
	for _, h := range s.cfg.AllowHosts {
		allowHosts[strings.ToLower(strings.TrimSuffix(hostOnly(h), "."))] = true
	}
	allowOrigins := map[string]bool{}
	for _, o := range s.cfg.AllowOrigins {
		allowOrigins[strings.ToLower(strings.TrimSuffix(o, "/"))] = true
	}
	var tokenSum [sha256.Size]byte
	if s.cfg.AdminToken != "" {
		tokenSum = sha256.Sum256([]byte(s.cfg.AdminToken))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(r, allowHosts) {
			adminError(w, http.StatusMisdirectedRequest,
				"admin API: Host %q is not this server's; use localhost or a loopback address, or start standin with --allow-host NAME",
				printable(r.Host, 100))
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" {
			if !originAllowed(origin, r.Host, allowOrigins) {
				adminError(w, http.StatusForbidden,
					"admin API: requests from origin %q are refused; start standin with --allow-origin %s to allow them",
					printable(origin, 100), printable(origin, 100))
				return
			}
		} else if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			adminError(w, http.StatusForbidden, "admin API: cross-site browser requests are refused")
			return
		}
		if isWrite(r.Method) && !jsonOrNone(r) {
			adminError(w, http.StatusUnsupportedMediaType,
				"admin API: %s with Content-Type %q is refused; send application/json (curl: -H 'Content-Type: application/json')",
				r.Method, printable(r.Header.Get("Content-Type"), 100))
			return
		}
		if s.cfg.AdminToken != "" && !publicAdminAsset(r) {
			got, ok := bearer(r)
			sum := sha256.Sum256([]byte(got))
			if !ok || subtle.ConstantTimeCompare(sum[:], tokenSum[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="standin admin"`)
				adminError(w, http.StatusUnauthorized,
					"admin API: send the admin token as \"Authorization: Bearer TOKEN\" (the --admin-token or %s of the server)",
					AdminTokenEnv)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// hostAllowed reports whether the request's Host names this server: localhost, a loopback address, the local
// address the connection arrived on, or an allowed name.
func hostAllowed(r *http.Request, allow map[string]bool) bool {
	host := strings.ToLower(strings.TrimSuffix(hostOnly(r.Host), "."))
	if host == "" {
		return false // HTTP/1.0 without Host: no browser sends that
	}
	if allow[host] {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if lh, _, err := net.SplitHostPort(la.String()); err == nil {
			if lip := net.ParseIP(lh); lip != nil && lip.Equal(ip) {
				return true
			}
		}
	}
	return false
}

// hostOnly strips the port (and IPv6 brackets) from a Host value.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// originAllowed reports whether a browser Origin is the server's own (same scheme-less host and port as the
// request's Host, which hostAllowed has vetted) or one the user allowed. "null" (sandboxed pages, file://) is
// never allowed unless listed.
func originAllowed(origin, host string, allow map[string]bool) bool {
	o := strings.ToLower(strings.TrimSuffix(origin, "/"))
	if allow[o] || allow["*"] {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, host) || strings.EqualFold(u.Host, withDefaultPort(host, u.Scheme)) ||
		strings.EqualFold(withDefaultPort(u.Host, u.Scheme), host)
}

func withDefaultPort(host, scheme string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	if scheme == "https" {
		return net.JoinHostPort(strings.Trim(host, "[]"), "443")
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), "80")
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// jsonOrNone reports whether a write carries a JSON Content-Type or none. The types a browser may send across
// origins without asking first (forms, multipart, text/plain) are all refused; a request without a type is
// left to the Origin check, as a browser always sends Origin with a cross-origin write.
func jsonOrNone(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// bearer returns the credentials of an "Authorization: Bearer X" header.
func bearer(r *http.Request) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	return cred, ok && strings.EqualFold(scheme, "bearer") && cred != ""
}

// publicAssetTypes are the file types of the dashboard's static assets.
var publicAssetTypes = []string{".html", ".js", ".css", ".svg", ".png", ".ico", ".map", ".woff2"}

// publicAdminAsset reports whether r fetches the dashboard's page or one of its static files, which carry no
// data and so need no token (the Host and Origin checks still apply). The page asks for the token and sends it
// with every API call it makes.
func publicAdminAsset(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	if p == AdminPrefix || p == strings.TrimSuffix(AdminPrefix, "/") {
		return true
	}
	rest, ok := strings.CutPrefix(p, AdminPrefix+"ui/")
	return ok && !strings.Contains(rest, "/") && slices.Contains(publicAssetTypes, path.Ext(rest))
}
