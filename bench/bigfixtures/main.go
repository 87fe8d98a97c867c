// Command bigfixtures writes a fixture folder whose CINNOX enquiry collection holds N records, for the state
// figures of bench/targets.sh (issue 12: 100,000 records per collection start in at most 2 s and 400 MB):
//
//	go run ./bench/bigfixtures -n 100000 -out /tmp/big && standin serve --api cinnox --fixtures /tmp/big
//
// The records are the bundled enquiries (fixtures/cinnox/enquiries.json) repeated in turn, each with a new _id
// (24 hex digits, the collection's key), uniqueKey and id; the bundled labels are copied unchanged.
//
// With -unique every other non-empty string differs from record to record too (a timestamp, absolute or
// relative, is moved by the record's number N of seconds, any other string gets "~N" appended; the enumerated
// fields keep their values),
// so that no string value is shared between records: the worst case for the loader, which shares repeated
// values.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/standin/standin/fixtures"
	"github.com/standin/standin/openapi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bigfixtures:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fset := flag.NewFlagSet("bigfixtures", flag.ContinueOnError)
	n := fset.Int("n", 100000, "records in cinnox/enquiries.json")
	out := fset.String("out", "", "fixture folder to write (created; files in it are replaced)")
	unique := fset.Bool("unique", false, "make every non-empty string of a record, but the enumerated fields, its own")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *out == "" || *n < 1 || *n > 10_000_000 {
		return fmt.Errorf("want -out DIR and 1 <= -n <= 10000000, got -out %q -n %d", *out, *n)
	}
	src, err := fs.ReadFile(fixtures.FS, "cinnox/enquiries.json")
	if err != nil {
		return err
	}
	var seed []map[string]any
	if err := json.Unmarshal(src, &seed); err != nil {
		return fmt.Errorf("cinnox/enquiries.json: %w", err)
	}
	if len(seed) == 0 {
		return fmt.Errorf("cinnox/enquiries.json holds no record")
	}
	enumerated := map[string]bool{}
	if *unique {
		if enumerated, err = enumeratedFields(); err != nil {
			return err
		}
	}
	dir := filepath.Join(*out, "cinnox")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	labels, err := fs.ReadFile(fixtures.FS, "cinnox/labels.json")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.json"), labels, 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "enquiries.json"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	_, _ = f.WriteString("[\n")
	for i := range *n {
		rec := make(map[string]any, len(seed[0]))
		for k, v := range seed[i%len(seed)] {
			rec[k] = v
		}
		id := fmt.Sprintf("6369b3f0c2a4e1a9%08x", i)
		rec["_id"] = id
		if uk, ok := rec["uniqueKey"].(string); ok {
			if _, stamp, found := strings.Cut(uk, "-"); found {
				rec["uniqueKey"] = id + "-" + stamp
			}
		}
		rec["id"] = fmt.Sprintf("channel-%08d", i)
		if *unique {
			for k, v := range rec {
				if !enumerated[k] && k != "_id" && k != "uniqueKey" && k != "id" { // those three are unique already
					rec[k] = uniqueStrings(v, i)
				}
			}
		}
		if i > 0 {
			_, _ = f.WriteString(",")
		}
		if err := enc.Encode(rec); err != nil {
			_ = f.Close()
			return err
		}
	}
	_, _ = f.WriteString("]\n")
	return f.Close()
}

// enumeratedFields names the fields of the enquiry schema that list their values.
func enumeratedFields() (map[string]bool, error) {
	api, err := openapi.Load(context.Background(), "cinnox")
	if err != nil {
		return nil, err
	}
	c := api.Collections["enquiries"]
	if c == nil || c.Schema == nil || c.Schema.Value == nil {
		return nil, fmt.Errorf("the cinnox API has no enquiries collection with a schema")
	}
	out := map[string]bool{}
	for name, p := range c.Schema.Value.Properties {
		if p.Value != nil && len(p.Value.Enum) > 0 {
			out[name] = true
		}
	}
	return out, nil
}

// uniqueStrings returns v with every non-empty string in it made record i's own: an RFC 3339 timestamp or a
// relative time ("$now-3d") moved by i seconds, any other string with "~i" appended.
func uniqueStrings(v any, i int) any {
	switch x := v.(type) {
	case string:
		if x == "" {
			return x
		}
		if x == "$now" || x == "$nowUnix" {
			return x + "-" + strconv.Itoa(i) + "s"
		}
		if strings.HasPrefix(x, "$now") {
			return x + strconv.Itoa(i) + "s" // "$now-3d" + "7s": 3 days and 7 s ago
		}
		if t, err := time.Parse(time.RFC3339, x); err == nil {
			return t.Add(time.Duration(i) * time.Second).UTC().Format("2006-01-02T15:04:05.000Z07:00")
		}
		return x + "~" + strconv.Itoa(i)
	case []any:
		out := make([]any, len(x))
		for j, item := range x {
			out[j] = uniqueStrings(item, i)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = uniqueStrings(item, i)
		}
		return out
	}
	return v
}
