package mock

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// webFS holds the dashboard page: plain HTML, CSS and JavaScript, no build step and nothing fetched from
// elsewhere at run time.
//
//go:embed web
var webFS embed.FS

// asset is one file of the page, kept as is and gzipped.
type asset struct {
	contentType string
	raw, gz     []byte
	etag        string
}

// dashboardCSP lets the page load only its own files and talk only to this server.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// loadAssets reads the embedded page once; a file that cannot be read is a build mistake.
func (d *dashboard) loadAssets() map[string]*asset {
	d.assetsOnce.Do(func() {
		d.assets = map[string]*asset{}
		_ = fs.WalkDir(webFS, "web", func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			raw, err := webFS.ReadFile(p)
			if err != nil {
				panic("mock: embedded dashboard file " + p + ": " + err.Error())
			}
			var gz bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
			_, _ = zw.Write(raw)
			_ = zw.Close()
			sum := sha256.Sum256(raw)
			ct := mime.TypeByExtension(path.Ext(p))
			if ct == "" {
				ct = "application/octet-stream"
			}
			d.assets[strings.TrimPrefix(p, "web/")] = &asset{contentType: ct, raw: raw, gz: gz.Bytes(),
				etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
			return nil
		})
	})
	return d.assets
}

// dashboardPage answers GET /__standin/ with the page.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, "index.html")
}

// dashboardAsset answers GET /__standin/ui/{file}: only files embedded in the binary, looked up by name in a
// fixed table, never a path on disk.
func (s *Server) dashboardAsset(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, r.PathValue("file"))
}

// dashboardRedirect sends /__standin to the page at /__standin/.
func (s *Server) dashboardRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, AdminPrefix, http.StatusMovedPermanently)
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a := s.dash.loadAssets()[name]
	if a == nil {
		adminError(w, http.StatusNotFound, "no dashboard file %q", name)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("X-Frame-Options", "DENY")
	if match := r.Header.Get("If-None-Match"); match != "" && match == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.raw
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		_, q, hasQ := strings.Cut(strings.ReplaceAll(params, " ", ""), "q=")
		if v, err := strconv.ParseFloat(q, 64); hasQ && err == nil && v == 0 {
			return false
		}
		return true
	}
	return false
}
