package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/internal/httpguard"
	"github.com/standin/standin/mock"
	"github.com/standin/standin/openapi"
)

// maxJournalSize bounds --journal-size: an entry may hold 8 KiB of bodies, so a million of them in one session is
// already gigabytes.
const maxJournalSize = 1_000_000

const serveSynopsis = "standin serve [--api NAME[,NAME]] [--spec FILE]... [--addr HOST:PORT] [flags]"

const serveHelp = `Run the mock server. Each API is served under /<name> with the vendor's full path kept
(http://127.0.0.1:4010/carecycle/v2/..., /aelyst/v1/contact/..., /cinnox/v1/api/apps/...); a single API is
also served at /. The admin API is under /__standin/ (health, apis, journal, state, faults, scenarios).

Without --api or --spec the three bundled APIs are served. The mock enforces each spec's security schemes,
validates requests and answers failures in the vendor's own error bodies, and builds responses from the spec:
its examples, else realistic data generated from the schemas (same --seed, same answers).

Per request: 'Prefer: code=NNN', 'Prefer: example=NAME' and 'Prefer: dynamic=true' pick a documented
response; 'X-Standin-Session: NAME' isolates state, faults and journal (one session per CI job).
API keys matching a spec's x-standin auth.forbidden globs (careCycle: cc_forbidden_*) or --deny-key
answer 403 where the operation documents it, else 401.

Examples:
  standin serve
  standin serve --api aelyst --addr 127.0.0.1:8080
  standin serve --spec ./my-api.yaml --seed 7 --log-format json
  standin serve --api carecycle --deny-key 'cc_readonly_*' --max-body 256KiB
  standin serve --scenario aelyst-queue-449 --fault 'op=getContact,status=500,times=1'
  standin serve --spec ./my-api.yaml --tls-self-signed        # HTTPS (HTTP/2) on loopback; CORS is on unless --cors=false`

// repeatFlag is a repeatable string flag whose values are kept whole (a fault rule contains commas).
type repeatFlag []string

func (r *repeatFlag) String() string { return strings.Join(*r, " ") }
func (r *repeatFlag) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty value")
	}
	*r = append(*r, v)
	return nil
}

// logFormatFlag is text or json.
type logFormatFlag string

func (l *logFormatFlag) String() string { return string(*l) }
func (l *logFormatFlag) Set(v string) error {
	switch v {
	case "text", "json":
		*l = logFormatFlag(v)
		return nil
	}
	return fmt.Errorf("%q is not a log format: expected text or json", v)
}

// logLevelFlag is the least slog level logged: debug, info, warn or error.
type logLevelFlag slog.Level

func (l *logLevelFlag) String() string { return strings.ToLower(slog.Level(*l).String()) }
func (l *logLevelFlag) Set(v string) error {
	switch strings.ToLower(v) {
	case "debug", "info", "warn", "error":
		var lv slog.Level
		if err := lv.UnmarshalText([]byte(v)); err != nil {
			return err
		}
		*l = logLevelFlag(lv)
		return nil
	}
	return fmt.Errorf("%q is not a log level: expected debug, info, warn or error", v)
}

// sizeFlag is a byte count written as 1048576, 512KiB, 1MiB, 2MB or 1G.
type sizeFlag int64

func (s *sizeFlag) String() string { return formatSize(int64(*s)) }
func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

// gcFloorFlag is --gc-floor: a size, or 0 for none.
type gcFloorFlag int64

func (s *gcFloorFlag) String() string { return formatSize(int64(*s)) }
func (s *gcFloorFlag) Set(v string) error {
	if strings.TrimSpace(v) == "0" {
		*s = 0
		return nil
	}
	n, err := parseSize(v)
	if err != nil {
		return fmt.Errorf("%w, or 0 for Go's default", err)
	}
	*s = gcFloorFlag(n)
	return nil
}

// formatSize writes n as parseSize reads it, in the largest binary unit that divides it ("13MiB", "1536KiB").
func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	}
	s := strings.TrimSpace(v)
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size: expected a positive number of bytes such as 1048576, 512KiB or 1MiB", v)
	}
	return n * mult, nil
}

func runServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("serve", serveSynopsis, serveHelp, e)
	addr := fs.String("addr", "127.0.0.1:4010", "listen `address` (host:port); port 0 picks a free port")
	var apiNames listFlag
	fs.Var(&apiNames, "api", "bundled API `NAME`s to serve, comma-separated or repeated: carecycle, aelyst, cinnox")
	var specs, denyKeys, faults, scenarioNames repeatFlag
	fs.Var(&specs, "spec", "serve the OpenAPI 3.x or Swagger 2.0 document in `FILE` or at an http(s) URL as well (repeatable); mounted at /<x-standin name or file name>")
	seed := fs.Uint64("seed", 0, "`seed` for generated data; the same seed gives the same answers (0: a fixed default)")
	logFormat := logFormatFlag("text")
	fs.Var(&logFormat, "log-format", "request log `format` on stderr: text or json")
	// --log-level: error silences the per-request lines (logged at info) and keeps failures.
	logLevel := logLevelFlag(slog.LevelInfo)
	fs.Var(&logLevel, "log-level", "least `level` logged on stderr: debug, info, warn or error (error silences the per-request lines)")
	maxBody := sizeFlag(1 << 20)
	fs.Var(&maxBody, "max-body", "largest request body accepted (`size`, e.g. 1MiB); larger bodies get 413 in the vendor's shape")
	gcFloor := gcFloorFlag(defaultGCFloor)
	fs.Var(&gcFloor, "gc-floor", "let the heap grow to this `size` before collecting while the live heap is small (0: Go's default; GOGC or GOMEMLIMIT in the environment turn it off)")
	fs.Var(&denyKeys, "deny-key", "credentials matching this `GLOB` lack permission: 403 where documented, else 401 (repeatable)")
	fixtures := fs.String("fixtures", "", "read seed records from `DIR`/<api>/*.json instead of the bundled fixtures")
	records := fs.Int("records", 0, "top every collection up to `N` records with generated ones")
	stateFile := fs.String("state-file", "", "keep state in `FILE` so that acknowledged writes survive a restart")
	maxSessions := fs.Int("max-sessions", mock.DefaultMaxSessions, "keep at most `N` sessions; one more evicts the least recently used idle one")
	journalSize := fs.Int("journal-size", mock.DefaultJournalSize, "keep each session's most recent `N` requests in its journal (1 to 1000000)")
	sessionTTL := fs.Duration("session-ttl", 24*time.Hour, "evict a session unused for this long (`duration`; 0: never)")
	settle := fs.Duration("settle", 0, "how long a new record answers \"queued\" where the spec declares it (`duration`; 0: the spec's default)")
	fs.Var(&faults, "fault", "activate a fault `RULE` in every session, e.g. 'op=getContact,status=449,times=2' (repeatable)")
	fs.Var(&scenarioNames, "scenario", "activate a QA scenario by `NAME` or FILE (repeatable)")
	scenarioDir := fs.String("scenario-dir", "", "folder of your own scenario files, searched before the bundled ones (`DIR`)")
	rateLimit := fs.Bool("rate-limit", false, "enforce the rate limits the specs declare (off by default)")
	// Loading documents (issue 9): --strict, --warnings, --watch.
	var lf loadFlags
	lf.register(fs, true)

	// Ids never created (issue 10).
	strictIDs := fs.Bool("strict-ids", false, "answer 404 for ids never created, instead of a record generated for them "+
		"(inferred behaviour; a request can ask with X-Standin-Ids: strict)")

	// CORS and TLS (issue 10).
	cors := fs.Bool("cors", true, "answer CORS preflights and add CORS headers for the mounted APIs (never the admin API); --cors=false turns it off")
	var tlsOpts tlsFlags
	tlsOpts.register(fs)

	// Security (issue 13): admin access, header faults, latency cap, write timeout.
	sec := addSecurityFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("serve takes no arguments, got %q; use --api NAME or --spec FILE", fs.Arg(0)))
	}
	if *journalSize < 1 || *journalSize > maxJournalSize {
		return usageError(fmt.Sprintf("--journal-size must be between 1 and %d, got %d", maxJournalSize, *journalSize))
	}
	if *records < 0 {
		return usageError("--records must be 0 or more")
	}
	if *settle < 0 {
		return usageError("--settle must not be negative")
	}

	var tlsConfig *tls.Config
	var tlsInfo string
	if tlsOpts.enabled() {
		var err error
		if tlsConfig, tlsInfo, err = tlsOpts.config(time.Now()); err != nil {
			return err
		}
	}

	// The floor is in force from here: loading the three bundled documents and building their servers allocate
	// some 6 MB (a big document far more), which Go's default pacing collected three or four times before the
	// first answer, on top of the package initialisation's 4 MB.
	_, stopFloor := startHeapFloor(uint64(max(gcFloor, 0)))
	defer stopFloor()

	// The mock plans each API as soon as it is loaded: the node tree a JSON document's warnings needed is kept
	// for it, not parsed a second time.
	loadOpts := lf.options()
	loadOpts.KeepSourceTree = true
	apis, err := loadServeAPIs(ctx, apiNames, specs, loadOpts)
	if err != nil {
		return err
	}

	logOpts := &slog.HandlerOptions{Level: slog.Level(logLevel)}
	// The text handler formats the per-request line itself (loghandler.go): the same bytes, a fraction of the cost.
	var handler slog.Handler = newFastTextHandler(e.stderr, logOpts)
	if logFormat == "json" {
		handler = slog.NewJSONHandler(e.stderr, logOpts)
	}
	logger := slog.New(handler)
	defer func() { _ = flushLog(handler) }() // the request lines still gathered (loghandler.go)

	if err := sec.resolve(e.getenv); err != nil {
		return err
	}
	if err := sec.checkBind(*addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &exitError{code: 2, msg: listenMessage(*addr, err)}
	}
	if err := sec.checkBind(ln.Addr().String()); err != nil { // a name such as "myhost:4010" resolved to an outside address
		_ = ln.Close()
		return err
	}
	scheme := "http://"
	if tlsConfig != nil {
		scheme = "https://"
	}
	baseURL := scheme + displayAddr(ln.Addr())
	cfg := mock.Config{
		Seed:          *seed,
		MaxBody:       int64(maxBody),
		BaseURL:       baseURL,
		ForbiddenKeys: denyKeys,
		FixturesDir:   *fixtures,
		Records:       *records,
		StateFile:     *stateFile,
		MaxSessions:   *maxSessions,
		JournalSize:   *journalSize,
		SessionTTL:    *sessionTTL,
		Settle:        *settle,
		Faults:        faults,
		Scenarios:     scenarioNames,
		ScenarioDir:   *scenarioDir,
		RateLimits:    *rateLimit,
		StrictIDs:     *strictIDs,
		DisableCORS:   !*cors,
	}
	sec.apply(&cfg)
	srv, err := mock.New(apis, cfg, mock.WithLogger(logger))
	if err != nil {
		_ = ln.Close()
		return &exitError{code: 2, msg: err.Error()}
	}
	defer srv.Close()

	for _, api := range apis {
		line := fmt.Sprintf("%-10s %s %s  %s/%s%s", api.Name, title(api), version(api), baseURL, api.Name, api.BasePath)
		if len(apis) == 1 {
			line += fmt.Sprintf("  (also at %s%s)", baseURL, api.BasePath)
		}
		fmt.Fprintln(e.stdout, line)
	}
	sec.printExposure(e.stdout, ln.Addr(), baseURL)
	if tlsInfo != "" {
		fmt.Fprintf(e.stdout, "%-10s %s\n", "tls", tlsInfo)
	}
	// What to know about the documents (issue 9): converted from Swagger 2.0, their warnings.
	for _, api := range apis {
		loadNotes(e.stdout, api, lf.warnings)
	}

	guard := httpguard.New() // requests with both Content-Length and Transfer-Encoding: 400, connection closed
	hs := &http.Server{
		Handler:           guard.Handler(srv),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // the write side is bounded per request by the mock (--write-timeout)
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if tlsConfig != nil {
		hs.TLSConfig = tlsConfig
		ln = guard.TLSListener(ln, tlsConfig, hs.ReadHeaderTimeout)
	} else {
		ln = guard.Listener(ln)
	}
	// Reload (issue 9): watch the local --spec files and take SIGHUP.
	if len(specs) > 0 {
		var fromSpecs []*openapi.API
		for _, api := range apis {
			if len(api.Files) > 0 || openapi.IsURL(api.File) {
				fromSpecs = append(fromSpecs, api)
			}
		}
		w := newSpecWatcher(srv, specs, fromSpecs, loadOpts, logger)
		wctx, stopWatch := context.WithCancel(ctx)
		defer stopWatch()
		go w.run(wctx, time.Second, lf.watch && w.watches())
	}

	hs.RegisterOnShutdown(srv.EndStreams) // open dashboards must not hold the shutdown up
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "addr", ln.Addr().String())
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	<-served
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close the mock: %w", err)
	}
	return nil
}

// loadServeAPIs loads the named bundled APIs and the spec files or URLs; no name and no file means every bundled
// API.
func loadServeAPIs(ctx context.Context, names, specs []string, opts openapi.Options) ([]*openapi.API, error) {
	if len(names) == 0 && len(specs) == 0 {
		names = openapi.Bundled()
	}
	// The bundled documents are loaded side by side (a third of the start of `standin serve` on two cores);
	// the first error in the order given is reported.
	apis := make([]*openapi.API, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { apis[i], errs[i] = openapi.Load(ctx, name) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, usageError(err.Error())
		}
	}
	for _, path := range specs {
		api, err := openapi.LoadWith(ctx, path, opts)
		if err != nil {
			return nil, usageError(fmt.Sprintf("--spec %s: %v\n(run 'standin spec check %s' to list every problem)", path, err, path))
		}
		apis = append(apis, api)
	}
	return apis, nil
}

// listenMessage explains why the address cannot be listened on and what to do.
func listenMessage(addr string, err error) string {
	msg := fmt.Sprintf("cannot listen on %s: %v", addr, err)
	switch {
	case strings.Contains(err.Error(), "address already in use"):
		msg += "\nanother program (maybe another standin) uses this port; stop it or pick another with --addr 127.0.0.1:4011"
	case strings.Contains(err.Error(), "permission denied"):
		msg += "\nports below 1024 need privileges; use a higher port such as --addr 127.0.0.1:4010"
	default:
		msg += "\nexpected --addr HOST:PORT, e.g. 127.0.0.1:4010"
	}
	return msg
}

// displayAddr is the listener address as clients should use it: an unspecified host becomes 127.0.0.1.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func title(api *openapi.API) string {
	if api.Doc.Info != nil && api.Doc.Info.Title != "" {
		return api.Doc.Info.Title
	}
	return api.Name
}

func version(api *openapi.API) string {
	if api.Doc.Info != nil {
		return api.Doc.Info.Version
	}
	return ""
}

var (
	_ flag.Value = (*repeatFlag)(nil)
	_ flag.Value = (*logFormatFlag)(nil)
	_ flag.Value = (*sizeFlag)(nil)
)
