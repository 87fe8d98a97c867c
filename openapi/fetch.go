package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// DefaultMaxBytes is the largest document (or referenced file) read when Options.MaxBytes is 0. GitHub's REST
// description, among the largest public ones, is 13 MB.
const DefaultMaxBytes = 64 << 20

// FetchTimeout bounds each fetch of a document over HTTP when Options.Client is nil.
const FetchTimeout = 30 * time.Second

// maxDocuments bounds how many documents one load reads: the root plus every file or URL its $refs reach.
const maxDocuments = 500

// IsURL reports whether location names a document on the network (http:// or https://) rather than a file.
func IsURL(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// ReadError reports that the document named could not be read at all (a missing file, a failed fetch), as
// opposed to a document read and found wanting. It is the Err of the *LoadError Inspect returns.
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// reader reads the documents of one load: the root the user named and what its $refs reach. Local files are
// read only when they are regular files and within the size limit (a $ref to /dev/zero or a FIFO is refused, it
// never blocks); a document from the network may reference other URLs but no local file.
type reader struct {
	ctx    context.Context
	client *http.Client
	max    int64
	remote bool     // the root came from the network
	files  []string // local files read, the root first
	reads  int
	// keepTree is Options.KeepSourceTree.
	keepTree bool
}

func newReader(ctx context.Context, opts Options) *reader {
	rd := &reader{ctx: ctx, client: opts.Client, max: opts.MaxBytes, keepTree: opts.KeepSourceTree}
	if rd.client == nil {
		rd.client = &http.Client{Timeout: FetchTimeout}
	}
	if rd.max <= 0 {
		rd.max = DefaultMaxBytes
	}
	return rd
}

// root reads the document the user named and returns its text and its location for resolving references.
func (rd *reader) root(location string) ([]byte, *url.URL, error) {
	if IsURL(location) {
		u, err := url.Parse(location)
		if err != nil {
			return nil, nil, fmt.Errorf("not a URL: %w", err)
		}
		rd.remote = true
		data, err := rd.fetch(u)
		return data, u, err
	}
	data, err := rd.file(location)
	if err != nil {
		return nil, nil, err
	}
	return data, &url.URL{Path: filepath.ToSlash(location)}, nil
}

// read is the loader's ReadFromURIFunc: it reads what a $ref names.
func (rd *reader) read(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
	rd.reads++
	if rd.reads > maxDocuments {
		return nil, fmt.Errorf("reference %s: more than %d documents referenced; standin stops there", u.Redacted(), maxDocuments)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return rd.fetch(u)
	case "", "file":
		if rd.remote {
			return nil, fmt.Errorf("reference %s: a document fetched over HTTP may reference other URLs but no local file", u.Redacted())
		}
		if u.Host != "" {
			return nil, fmt.Errorf("reference %s: file URLs with a host are not supported", u.Redacted())
		}
		return rd.file(filepath.FromSlash(u.Path))
	}
	return nil, fmt.Errorf("reference %s: scheme %q is not supported; expected a relative path, a file or an http(s) URL", u.Redacted(), u.Scheme)
}

// file reads a local regular file of at most rd.max bytes.
func (rd *reader) file(path string) ([]byte, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file (%s); expected an OpenAPI document", path, st.Mode().Type())
	}
	if st.Size() > rd.max {
		return nil, fmt.Errorf("read %s: %d bytes, more than the limit of %d bytes", path, st.Size(), rd.max)
	}
	// Read into a buffer of the file's size: io.ReadAll would grow by doubling, allocating twice the document
	// and keeping up to twice its size for as long as the API holds its source.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, rd.max+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > rd.max {
		return nil, fmt.Errorf("read %s: more than the limit of %d bytes", path, rd.max)
	}
	rd.files = append(rd.files, path)
	return data, nil
}

// fetch GETs a document over HTTP with the size limit; errors name the URL (without credentials).
func (rd *reader) fetch(u *url.URL) ([]byte, error) {
	where := u.Redacted()
	ctx, cancel := context.WithTimeout(rd.ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", where, err)
	}
	req.Header.Set("Accept", "application/json, application/yaml, text/yaml, */*;q=0.5")
	resp, err := rd.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch %s: %w", where, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: the server answered %s; expected 200 with the document", where, resp.Status)
	}
	if resp.ContentLength > rd.max {
		return nil, fmt.Errorf("fetch %s: %d bytes, more than the limit of %d bytes", where, resp.ContentLength, rd.max)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, rd.max+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", where, err)
	}
	if int64(len(data)) > rd.max {
		return nil, fmt.Errorf("fetch %s: more than the limit of %d bytes", where, rd.max)
	}
	return data, nil
}
