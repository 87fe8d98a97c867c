package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/standin/standin/internal/xmlvalue"
	"github.com/standin/standin/openapi"
)

// streamDoc is a document whose GET /thing answers, under media type mt, the example given as JSON text, and
// whose GET /small answers a small example of the same type.
func streamDoc(mt, schema, example, small string) string {
	return `{"openapi":"3.0.3","info":{"title":"stream","version":"1"},"paths":{` +
		`"/thing":{"get":{"operationId":"getThing","responses":{"200":{"description":"ok","content":{"` + mt + `":{"schema":` + schema +
		`,"example":` + example + `}}}}}},` +
		`"/small":{"get":{"operationId":"getSmall","responses":{"200":{"description":"ok","content":{"` + mt + `":{"schema":` + schema +
		`,"example":` + small + `}}}}}}}}`
}

// xmlThings is the JSON text of n small objects (about 90 bytes of XML each) with text XML must escape.
func xmlThings(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"a":"%s <%d> & co","b":%d}`, strings.Repeat("x", 40), i, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

const xmlThingsSchema = `{"type":"array","xml":{"name":"things"},"items":{"type":"object","xml":{"name":"thing"}}}`

// TestStreamXMLAndText: a large XML answer is streamed chunked, without a Content-Length, and its bytes are
// xmlvalue.Encode's; a large text answer is streamed with its Content-Length, unchanged; small answers of both
// keep their Content-Length.
func TestStreamXMLAndText(t *testing.T) {
	bigText := strings.Repeat("line é <&> of text\n", 10_000) // 200 KiB
	textJSON, err := json.Marshal(bigText)
	require.NoError(t, err)
	tests := []struct {
		name, mt, schema, example, small string
		chunked                          bool
	}{
		{"xml", "application/xml", xmlThingsSchema, xmlThings(3000), xmlThings(2), true},
		{"vendor xml", "application/vnd.acme+xml", xmlThingsSchema, xmlThings(3000), xmlThings(2), true},
		{"text", "text/plain", `{"type":"string"}`, string(textJSON), `"short"`, false},
		{"csv", "text/csv", `{"type":"string"}`, string(textJSON), `"a,b"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, err := openapi.LoadData(context.Background(), "stream.json", []byte(streamDoc(tt.mt, tt.schema, tt.example, tt.small)))
			require.NoError(t, err)
			want := func(path, example string) string {
				var v any
				require.NoError(t, json.Unmarshal([]byte(example), &v))
				if s, ok := v.(string); ok {
					return s
				}
				media := api.Doc.Paths.Find(path).Get.Responses.Status(200).Value.Content[tt.mt]
				data, err := xmlvalue.Encode(v, media.Schema)
				require.NoError(t, err)
				return string(data)
			}
			ts, _ := engineServer(t, Config{}, []*openapi.API{api})
			for _, c := range []struct {
				path, example string
				chunked       bool
			}{{"/thing", tt.example, tt.chunked}, {"/small", tt.small, false}} {
				resp, err := ts.Client().Get(ts.URL + c.path)
				require.NoError(t, err)
				body, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				require.NoError(t, resp.Body.Close())
				require.Equal(t, 200, resp.StatusCode, "%s", body)
				require.Equal(t, tt.mt, resp.Header.Get("Content-Type"))
				require.Equal(t, want(c.path, c.example), string(body), c.path)
				if c.chunked {
					require.Equal(t, int64(-1), resp.ContentLength, c.path)
					require.Equal(t, []string{"chunked"}, resp.TransferEncoding, c.path)
				} else {
					require.Equal(t, int64(len(body)), resp.ContentLength, c.path)
				}
			}
		})
	}
}

// TestStreamXMLAndTextSlowReadersMemory, modelled on TestIssue13SlowReadersMemory but smaller: 100 clients ask
// for a 250 KiB XML or text answer and stop reading after its status line. While they hang, the server holds a
// bounded piece of each answer, not the whole of it (buffered, each held over 250 KiB), and other clients are
// served. Memory is measured as heap in use, not time.
func TestStreamXMLAndTextSlowReadersMemory(t *testing.T) {
	bigText, err := json.Marshal(strings.Repeat("a line of plain text, fifty bytes long, or nearly\n", 5_000))
	require.NoError(t, err)
	tests := []struct {
		name, mt, schema, example string
	}{
		{"xml", "application/xml", xmlThingsSchema, xmlThings(3000)},
		{"text", "text/plain", `{"type":"string"}`, string(bigText)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, err := openapi.LoadData(context.Background(), "slow.json", []byte(streamDoc(tt.mt, tt.schema, tt.example, `"x"`)))
			require.NoError(t, err)
			srv, err := New([]*openapi.API{api}, Config{WriteTimeout: 5 * time.Minute, JournalSize: 1000})
			require.NoError(t, err)
			ts := httptest.NewUnstartedServer(srv)
			ts.Listener = smallBuffers{ts.Listener}
			ts.Start()
			t.Cleanup(func() { ts.Close(); _ = srv.Close() })
			size := len(engineDo(t, ts, "GET", "/thing", "").body)
			require.Greater(t, size, 240_000)

			hangReaders(t, ts, 100, size, tt.name+" ", nil)
		})
	}
}

// TestStreamAbortUnlessGone: a streamed answer that fails for its connection ends quietly; one that fails for any
// other reason after its status line went out aborts the handler, so the client sees a truncated answer.
func TestStreamAbortUnlessGone(t *testing.T) {
	gone := errors.New("write: broken pipe")
	tests := []struct {
		name         string
		err, connErr error
		wantAbortion bool
	}{
		{"written whole", nil, nil, false},
		{"the connection failed", gone, gone, false},
		{"the connection failed, wrapped", fmt.Errorf("xml: %w", gone), gone, false},
		{"encoding failed", errors.New("xml: start tag with no name"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantAbortion {
				require.PanicsWithValue(t, http.ErrAbortHandler, func() { abortUnlessGone(tt.err, tt.connErr) })
				return
			}
			require.NotPanics(t, func() { abortUnlessGone(tt.err, tt.connErr) })
		})
	}
}
