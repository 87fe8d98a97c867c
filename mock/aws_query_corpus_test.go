//go:build corpus

package mock

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/standin/standin/fake"
	"github.com/standin/standin/internal/corpus"
	"github.com/standin/standin/openapi"
)

// TestAWSQuerySDKCorpus sends every POST operation of APIs.guru's AWS query-protocol documents the request an
// AWS SDK would: a form of Action, Version and a generated input value flattened by the protocol's rules
// (EC2: lists numbered directly, members capitalised; the others: ".member" lists, ".entry" maps, flattened ones
// under their items' name; SigV2's fields for SimpleDB), and expects the operation's 2xx answer in AWS's
// envelope: every one of the 1,648 operations of the 19 documents does.
//
//	go test -tags corpus -run TestAWSQuerySDKCorpus -v ./mock/
func TestAWSQuerySDKCorpus(t *testing.T) {
	dir := filepath.Join(corpus.APIsGuru(), "amazonaws.com")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("APIs.guru corpus not installed (%v)", err)
	}
	gen := fake.New(fake.Options{})
	total, ok := 0, 0
	var failures []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		if !strings.Contains(string(data), "#Action=") {
			continue
		}
		api, err := openapi.LoadFile(t.Context(), filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		ts := awsQueryServer(t, filepath.Join(dir, e.Name()))
		ec2 := awsService(api.Doc) == "ec2"
		for _, key := range slices.Sorted(func(yield func(string) bool) {
			for k := range api.Doc.Paths.Map() {
				if !yield(k) {
					return
				}
			}
		}) {
			item := api.Doc.Paths.Value(key)
			if !strings.HasPrefix(key, "/#Action=") || item.Post == nil || item.Post.RequestBody == nil {
				continue
			}
			action := strings.TrimPrefix(key, "/#Action=")
			version := ""
			if p := item.Post.Parameters.GetByInAndName("query", "Version"); p != nil && len(p.Schema.Value.Enum) == 1 {
				version, _ = p.Schema.Value.Enum[0].(string)
			}
			form := url.Values{"Action": {action}, "Version": {version}}
			if item.Parameters.GetByInAndName("query", "AWSAccessKeyId") != nil { // SigV2 (SimpleDB): the signature rides in the form
				form.Set("AWSAccessKeyId", "AKIDEXAMPLE")
				form.Set("SignatureMethod", "HmacSHA256")
				form.Set("SignatureVersion", "2")
				form.Set("Timestamp", "2026-12-02T07:35:00Z")
				form.Set("Signature", "c2lnbmF0dXJl")
			}
			schema := awsBodySchema(item.Post.RequestBody.Value)
			v := gen.Value(schema, e.Name()+"/"+action)
			if m, isMap := v.(map[string]any); isMap {
				flattenMembers(form, "", m, schema, ec2)
			}
			total++
			resp := sendRequest(t, ts, "POST", "/", "", form.Encode(), false, awsSDKHeaders()...)
			root := ""
			if names := envelopeNames(resp.body); len(names) > 0 {
				root = names[0]
			}
			if resp.status/100 == 2 && root == action+"Response" {
				ok++
				continue
			}
			failures = append(failures, fmt.Sprintf("%s %s: %d %s", e.Name(), action, resp.status, resp.header.Get(ReasonHeader)))
		}
	}
	t.Logf("AWS query operations answering an SDK-shaped POST with their envelope: %d of %d", ok, total)
	require.NotZero(t, total)
	require.Empty(t, failures)
}

// envelopeNames lists the first element names of an XML answer (nil when it is not XML).
func envelopeNames(body []byte) []string {
	s := string(body)
	var out []string
	for len(out) < 2 {
		i := strings.Index(s, "<")
		if i < 0 || i+1 >= len(s) {
			break
		}
		s = s[i+1:]
		if s[0] == '?' || s[0] == '/' {
			continue
		}
		end := strings.IndexAny(s, " >/")
		if end < 0 {
			break
		}
		out = append(out, s[:end])
	}
	return out
}

// flattenMembers writes the members of structure v as the AWS query protocol does.
func flattenMembers(form url.Values, prefix string, v map[string]any, s *openapi3.SchemaRef, ec2 bool) {
	sh := shapeOf(s)
	for name, val := range v {
		ps := sh.props[name]
		psh := shapeOf(ps)
		wire := name
		if psh.xmlName != "" {
			wire = psh.xmlName
			if ec2 {
				wire = strings.ToUpper(wire[:1]) + wire[1:]
			}
		}
		if psh.typ == "array" && flattened(ps) && !ec2 {
			if n := shapeOf(psh.items).xmlName; n != "" {
				wire = n
			}
		}
		flattenValue(form, join(prefix, wire), val, ps, ec2)
	}
}

func flattenValue(form url.Values, key string, v any, s *openapi3.SchemaRef, ec2 bool) {
	sh := shapeOf(s)
	switch x := v.(type) {
	case map[string]any:
		if sh.typ != "map" {
			flattenMembers(form, key, x, s, ec2)
			return
		}
		if !ec2 && !flattened(s) {
			key += ".entry"
		}
		i := 0
		for k, e := range x {
			i++
			n := key + "." + strconv.Itoa(i)
			form.Set(n+".key", k)
			flattenValue(form, n+".value", e, sh.values, ec2)
		}
	case []any:
		if len(x) == 0 {
			form.Set(key, "")
			return
		}
		if !ec2 && !flattened(s) {
			item := "member"
			if n := shapeOf(sh.items).xmlName; n != "" {
				item = n
			}
			key += "." + item
		}
		for i, e := range x {
			flattenValue(form, key+"."+strconv.Itoa(i+1), e, sh.items, ec2)
		}
	case nil:
	case string:
		form.Set(key, x)
	case float64:
		form.Set(key, strconv.FormatFloat(x, 'f', -1, 64))
	default:
		b, _ := json.Marshal(x)
		form.Set(key, string(b))
	}
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
