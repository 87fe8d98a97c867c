// Command bigfixtures writes a fixture folder whose CINNOX enquiry collection holds N records, for the state
// figures of bench/targets.sh (issue 12: 100,000 records per collection start in at most 2 s and 400 MB):
//
//	go run ./bench/bigfixtures -n 100000 -out /tmp/big && standin serve --api cinnox --fixtures /tmp/big
//
// The records are the bundled enquiries (fixtures/cinnox/enquiries.json) repeated in turn, each with a new _id
// (24 hex digits, the collection's key), uniqueKey and id; the bundled labels are copied unchanged.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/standin/standin/fixtures"
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
