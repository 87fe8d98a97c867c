package openapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInferLongRunning: which writes answer a long-running operation about their record, and how a create
// under a Google {parent} names it. Writes whose answer is the record, or a summary carrying its key (AWS),
// are not operations.
func TestInferLongRunning(t *testing.T) {
	done := &LongRunning{Done: "done", Response: "response", Error: "error", TypeURL: "type.googleapis.com/Playlist"}
	tests := []struct {
		file, op string
		action   Action
		resource string
		keyFrom  *KeyFrom
		lro      *LongRunning
	}{
		{"google-lro.yaml", "playlists.create", ActionCreate, "v1", &KeyFrom{Query: "playlistId", Parent: "parent", Segment: "playlists"}, done},
		{"google-lro.yaml", "playlists.patch", ActionUpdate, "v1", nil, done},
		{"google-lro.yaml", "playlists.delete", ActionDelete, "v1", nil,
			&LongRunning{Done: "done", Response: "response", Error: "error", TypeURL: "type.googleapis.com/google.protobuf.Empty"}},
		{"google-lro.yaml", "playlists.get", ActionGet, "v1", nil, nil},
		// the list under {parent}: the records the create names there
		{"google-lro.yaml", "playlists.list", ActionList, "v1", &KeyFrom{Parent: "parent", Segment: "playlists"}, nil},
		// an operation of another shape: no done or response to fill, nothing of the record copied in
		{"google-lro.yaml", "snapshots.insert", ActionCreate, "snapshots", nil, &LongRunning{}},
		// an Operation without a response field: the create still makes the record {name} reads
		{"google-names.yaml", "urlLists.create", ActionCreate, "v1", &KeyFrom{Query: "urlListId", Parent: "parent", Segment: "urlLists"}, &LongRunning{Done: "done"}},
		{"google-names.yaml", "urlLists.patch", ActionUpdate, "v1", nil, nil},
		{"summary-create.yaml", "CreateEntity", ActionCreate, "entities", nil, nil}, // AWS: a summary with the key
	}
	apis := map[string]*API{}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.op, func(t *testing.T) {
			api := apis[tt.file]
			if api == nil {
				var err error
				api, err = LoadFile(t.Context(), "../mock/testdata/"+tt.file)
				require.NoError(t, err)
				apis[tt.file] = api
			}
			b := api.Operation(tt.op).Behaviour
			require.NotNil(t, b)
			require.Equal(t, tt.action, b.Action)
			require.Equal(t, tt.resource, b.Resource)
			require.Equal(t, tt.keyFrom, b.KeyFrom)
			require.Equal(t, tt.lro, b.Operation)
		})
	}
}

// TestIdQuery: the query parameter that names a created record, from the collection's name.
func TestIdQuery(t *testing.T) {
	api, err := LoadFile(t.Context(), "../mock/testdata/google-lro.yaml")
	require.NoError(t, err)
	create := api.Operation("playlists.create")
	tests := []struct{ segment, want string }{
		{"playlists", "playlistId"},
		{"playlist", "playlistId"},
		{"things", "playlistId"}, // the only ...Id parameter other than requestId
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, idQuery(create, tt.segment), tt.segment)
	}
	require.Empty(t, idQuery(api.Operation("snapshots.insert"), "snapshots"), "no query parameter")
}
