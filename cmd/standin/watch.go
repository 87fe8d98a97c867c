package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/standin/standin/openapi"
)

// reloader is what the watcher needs of the mock: mock.(*Server).Reload.
type reloader interface {
	Reload(apis ...*openapi.API) error
}

// specWatcher reloads the --spec documents of a running serve when one of their local files changes (polled:
// modification time and size, then a hash of the content) or when the process gets SIGHUP. A document that no
// longer loads is reported and the one in service stays. Documents fetched from a URL are read once at start
// and never polled; SIGHUP fetches them again.
type specWatcher struct {
	srv   reloader
	specs []string // the --spec values
	opts  openapi.Options
	log   *slog.Logger
	files map[string]stamp // every local file of every spec, root and $ref'd
}

// stamp is what the watcher remembers of a file to tell a change.
type stamp struct {
	mod  time.Time
	size int64
	sum  [sha256.Size]byte
}

func newSpecWatcher(srv reloader, specs []string, apis []*openapi.API, opts openapi.Options, log *slog.Logger) *specWatcher {
	w := &specWatcher{srv: srv, specs: specs, opts: opts, log: log, files: map[string]stamp{}}
	for _, api := range apis {
		w.remember(api.Files)
	}
	return w
}

// watches reports whether any spec is a local file (something to poll).
func (w *specWatcher) watches() bool { return len(w.files) > 0 }

func (w *specWatcher) remember(files []string) {
	for _, f := range files {
		if st, ok := stampOf(f); ok {
			w.files[f] = st
		}
	}
}

// stampOf reads a file's stamp; ok is false when it cannot be read (deleted mid-edit, say).
func stampOf(path string) (stamp, bool) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return stamp{}, false
	}
	f, err := os.Open(path)
	if err != nil {
		return stamp{}, false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, openapi.DefaultMaxBytes+1)); err != nil {
		return stamp{}, false
	}
	st := stamp{mod: fi.ModTime(), size: fi.Size()}
	h.Sum(st.sum[:0])
	return st, true
}

// changed reports whether a watched file differs from its stamp. The content is hashed only when the
// modification time or the size moved, so an idle poll costs one stat per file.
func (w *specWatcher) changed() bool {
	for path, old := range w.files {
		fi, err := os.Stat(path)
		if err != nil {
			return true
		}
		if fi.ModTime().Equal(old.mod) && fi.Size() == old.size {
			continue
		}
		st, ok := stampOf(path)
		if !ok || !bytes.Equal(st.sum[:], old.sum[:]) {
			return true
		}
		w.files[path] = st // touched, same content
	}
	return false
}

// poll reloads when a watched file changed and reports whether it tried.
func (w *specWatcher) poll(ctx context.Context) bool {
	if !w.changed() {
		return false
	}
	w.reload(ctx, false)
	return true
}

// reload loads every spec again (the remote ones too when all is set, for SIGHUP) and swaps in those that load.
// The files read are remembered whatever happens, so a broken file is reported once, not at every poll.
func (w *specWatcher) reload(ctx context.Context, all bool) {
	for path := range w.files {
		w.remember([]string{path})
	}
	var apis []*openapi.API
	for _, spec := range w.specs {
		if openapi.IsURL(spec) && !all {
			continue
		}
		api, problems := openapi.Inspect(ctx, spec, w.opts)
		if api == nil {
			w.log.Error("reload refused: the document does not load; the previous one stays in service",
				"spec", spec, "error", refusalText(problems, w.opts.Strict))
			continue
		}
		w.remember(api.Files)
		apis = append(apis, api)
	}
	if len(apis) == 0 {
		return
	}
	if err := w.srv.Reload(apis...); err != nil {
		w.log.Error("reload refused; the previous documents stay in service", "error", err)
		return
	}
	for _, api := range apis {
		w.log.Info("reloaded", "api", api.Name, "spec", api.File, "operations", len(api.Operations), "warnings", len(api.Warnings))
	}
}

// refusalText is the first problem that refuses a document, and how many more there are.
func refusalText(problems []*openapi.LoadError, strict bool) string {
	var first string
	n := 0
	for _, p := range problems {
		if p.Level == openapi.LevelError || strict {
			if n == 0 {
				first = p.Error()
			}
			n++
		}
	}
	if n > 1 {
		first += " (and " + plural(n-1, "more problem") + "; run 'standin spec check' for the list)"
	}
	return first
}

// run polls every interval and reloads on SIGHUP until ctx ends.
func (w *specWatcher) run(ctx context.Context, interval time.Duration, poll bool) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			w.log.Info("SIGHUP: reloading the --spec documents")
			w.reload(ctx, true)
		case <-tick.C:
			if poll {
				w.poll(ctx)
			}
		}
	}
}
