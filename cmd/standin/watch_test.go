package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

const reloadV1 = `openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /items:
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
  /items/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: one, content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
        "404": {description: missing}
components:
  schemas:
    Item:
      type: object
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
`

// reloadV2 adds a path.
const reloadV2 = reloadV1 + `    Health:
      type: object
      properties: {status: {type: string, enum: [up]}}
x-added: true
` // (the path itself is spliced in below)

func writeSpec(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	// Give the file a new modification time even on file systems with coarse timestamps; the size differs
	// between versions anyway.
	now := time.Now().Add(time.Duration(len(text)) * time.Millisecond)
	require.NoError(t, os.Chtimes(path, now, now))
}

func TestReloadWatcher(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "shop.yaml")
	writeSpec(t, spec, reloadV1)
	api, err := openapi.LoadFile(t.Context(), spec)
	require.NoError(t, err)
	require.Equal(t, []string{spec}, api.Files)
	srv, err := mock.New([]*openapi.API{api}, mock.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var logs bytes.Buffer
	w := newSpecWatcher(srv, []string{spec}, []*openapi.API{api}, openapi.Options{}, slog.New(slog.NewTextHandler(&logs, nil)))
	require.True(t, w.watches())
	require.False(t, w.poll(t.Context()), "nothing changed yet")

	// State written before the reload.
	status, body := doJSON(t, ts.Client(), http.MethodPost, ts.URL+"/shop/items", `{"name":"lamp"}`)
	require.Equal(t, http.StatusCreated, status, body)
	var created map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	id, _ := created["id"].(string)
	require.NotEmpty(t, id, body)
	status, _ = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/health", "")
	require.Equal(t, http.StatusNotFound, status)

	// A new path appears once the file changes.
	v2 := strings.Replace(reloadV2, "paths:\n", "paths:\n  /health:\n    get:\n      responses:\n        \"200\": {description: up, content: {application/json: {schema: {$ref: \"#/components/schemas/Health\"}}}}\n", 1)
	writeSpec(t, spec, v2)
	require.True(t, w.poll(t.Context()))
	require.Contains(t, logs.String(), "reloaded")
	status, body = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/health", "")
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"status":"up"}`, body)
	status, body = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/items/"+id, "")
	require.Equal(t, http.StatusOK, status, "state is kept across a reload: %s", body)
	require.Contains(t, body, `"lamp"`)

	// A broken file is reported and the document in service stays.
	logs.Reset()
	writeSpec(t, spec, v2+"paths: [oops\n")
	require.True(t, w.poll(t.Context()))
	require.Contains(t, logs.String(), "reload refused")
	require.Contains(t, logs.String(), "YAML syntax error")
	status, _ = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/health", "")
	require.Equal(t, http.StatusOK, status, "the previous document stays in service")
	require.False(t, w.poll(t.Context()), "a broken file is reported once, not at every poll")

	// A document that loads but names another API is refused too.
	logs.Reset()
	writeSpec(t, spec, strings.Replace(reloadV1, "openapi: 3.0.3\n", "openapi: 3.0.3\nx-standin: {name: other}\n", 1))
	require.True(t, w.poll(t.Context()))
	require.Contains(t, logs.String(), "no API of that name is served")
	status, _ = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/health", "")
	require.Equal(t, http.StatusOK, status)

	// SIGHUP's path reloads whether or not anything changed.
	writeSpec(t, spec, reloadV1)
	logs.Reset()
	w.reload(t.Context(), true)
	require.Contains(t, logs.String(), "reloaded")
	status, _ = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/shop/health", "")
	require.Equal(t, http.StatusNotFound, status)
}

func doJSON(t *testing.T, c *http.Client, method, url, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(data)
}

// TestReloadWatchesReferencedFiles pins that a change to a file a $ref reaches reloads the document too.
func TestReloadWatchesReferencedFiles(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "root.yaml")
	schemas := filepath.Join(dir, "schemas.yaml")
	writeSpec(t, spec, `openapi: 3.0.3
info: {title: Root, version: "1"}
paths:
  /thing:
    get:
      responses:
        "200": {description: a thing, content: {application/json: {schema: {$ref: "schemas.yaml#/Thing"}}}}
`)
	writeSpec(t, schemas, "Thing: {type: object, required: [a], properties: {a: {type: string, enum: [one]}}}\n")
	api, err := openapi.LoadFile(t.Context(), spec)
	require.NoError(t, err)
	require.Equal(t, []string{spec, schemas}, api.Files)
	srv, err := mock.New([]*openapi.API{api}, mock.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	var logs bytes.Buffer
	w := newSpecWatcher(srv, []string{spec}, []*openapi.API{api}, openapi.Options{}, slog.New(slog.NewTextHandler(&logs, nil)))
	_, body := doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/thing", "")
	require.JSONEq(t, `{"a":"one"}`, body)

	writeSpec(t, schemas, "Thing: {type: object, required: [b], properties: {b: {type: string, enum: [two]}}}\n")
	require.True(t, w.poll(t.Context()), logs.String())
	_, body = doJSON(t, ts.Client(), http.MethodGet, ts.URL+"/thing", "")
	require.JSONEq(t, `{"b":"two"}`, body)
}
