package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds a Chromium to drive. Without one the browser tests skip on a developer's machine and fail
// in CI (CI=true), where .ci/run installs Debian's chromium package first.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STANDIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("browser tests: no chromium on PATH, and CI must run them: install Debian's chromium " +
			"(apt-get install -y chromium; .ci/run does it) or set STANDIN_CHROMIUM")
	}
	t.Skip("browser tests skipped: no chromium on PATH (apt-get install -y chromium, or set STANDIN_CHROMIUM)")
	return ""
}

// browser starts a headless Chromium with a fresh profile and the flags that keep it from reaching out to the
// network, and returns a tab context bounded by timeout. JavaScript exceptions on the page fail the test.
func browser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1440, 900),
	}
	var mu sync.Mutex // guards exceptions and driverErrors
	var exceptions, driverErrors []string
	// The driver may report an error from its own goroutines even after the test; keep it, print it in Cleanup.
	errorf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		driverErrors = append(driverErrors, fmt.Sprintf(format, args...))
	}
	listen := func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			mu.Lock()
			exceptions = append(exceptions, msg)
			mu.Unlock()
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	// Chromium now and then fails to start on a loaded machine (its crash handler gives up before the page
	// exists): the start alone is tried up to three times, each with a fresh profile; the test itself is not.
	var tctx context.Context
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		actx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(opts, chromedp.UserDataDir(t.TempDir()))...)
		c, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(errorf), chromedp.WithListener(func(ev any) { listen(ev) }))
		if err = chromedp.Do(c); err == nil {
			tctx = c
			t.Cleanup(func() { cancelTab(); cancelAlloc() })
			break
		}
		cancelTab()
		cancelAlloc()
		t.Logf("chromium start %d of 3 failed: %v", attempt, err)
	}

	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range driverErrors {
			t.Logf("chromedp: %s", e)
		}
		if len(exceptions) > 0 {
			t.Errorf("JavaScript exceptions on the page: %s", strings.Join(exceptions, "; "))
		}
	})
	require.NoError(t, err, "start chromium at %s", path)
	return tctx
}

// waitJS polls a JavaScript expression until it is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))
}

// setField sets a form control as a user would and fires its input and change events.
func setField(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`,
		sel, value))
}

func textOf(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err, "read %s", sel)
	return s
}

// TestDashboardBrowser drives the dashboard in headless Chromium through a QA session: the page lists the three
// bundled APIs, a request sent by Go code appears live with its credentials masked, a 500 fault added from the
// form makes the next request fail, a scenario is activated, a record is edited (and a bad edit refused with the
// schema's reason) and read back through the admin API, and a coverage cell turns on.
func TestDashboardBrowser(t *testing.T) {
	ctx := browser(t, 90*time.Second)
	ts, _ := dashboardServer(t, "")
	client := ts.Client()
	send := func(method, path, auth, body string) int {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res.StatusCode
	}
	adminGet := func(path string, into any) {
		t.Helper()
		res, err := client.Get(ts.URL + AdminPrefix + path)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "GET %s", path)
		require.NoError(t, json.NewDecoder(res.Body).Decode(into))
	}

	// The page loads and lists the three bundled APIs.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+AdminPrefix),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
	))
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#apis article.api')].map(a => a.dataset.api)`))
	require.NoError(t, err)
	require.Equal(t, []string{"aelyst", "carecycle", "cinnox"}, names)
	require.Contains(t, textOf(ctx, t, `#apis article[data-api="aelyst"]`), "curl -s")

	// Live traffic: a request sent now appears without reloading, its token masked in the detail.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("2"),
		chromedp.WaitVisible(chromedp.CSS(`#panel-traffic`)),
		waitJS(`document.querySelector('#conn').textContent === 'live'`),
	))
	require.Equal(t, http.StatusOK, send(http.MethodGet, "/aelyst/v1/contact/id:1", "Bearer secret-token-123", ""))
	row := `#traffic tbody tr[data-key="default/1"]`
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.Click(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.CSS(`#detail-stage`)),
	))
	require.Contains(t, textOf(ctx, t, row), "/aelyst/v1/contact/id:1")
	detail := textOf(ctx, t, `#detail`)
	require.Contains(t, detail, "Bearer ****")
	require.NotContains(t, detail, "secret-token-123")
	require.Equal(t, "behaviour", textOf(ctx, t, `#detail-stage`))

	// Faults: a 500 for getContact from the form, in the default session; the next request fails.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("3"),
		chromedp.WaitVisible(chromedp.CSS(`#fault-form`)),
		setField(`#ff-api`, "aelyst"),
		setField(`#ff-op`, "getContact"),
		waitJS(`[...document.querySelectorAll('#ff-status option')].map(o => o.value).join(',') === ',200,400,401,404,429,449,500'`),
		setField(`#ff-status`, "500"),
		setField(`#ff-id`, "qa-500"),
		chromedp.Click(chromedp.CSS(`#ff-add`)),
		chromedp.WaitVisible(chromedp.CSS(`#rules tr[data-rule="qa-500"]`)),
	))
	require.Contains(t, textOf(ctx, t, `#fault-msg`), "Added rule qa-500")
	require.Equal(t, http.StatusInternalServerError, send(http.MethodGet, "/aelyst/v1/contact/id:1", "Bearer t", ""))
	require.NoError(t, chromedp.Do(ctx, waitJS(`document.querySelector('#rules tr[data-rule="qa-500"] .fired').textContent === '1'`)))

	// A scenario, activated in the session from its card, which shows what it does and what it expects.
	card := textOf(ctx, t, `article[data-scenario="aelyst-queue-449"]`)
	require.Contains(t, card, `answers 449 "in queue" twice`)
	require.Contains(t, card, "POST /aelyst/v1/contact/id:1/conversation/assignee → 449 ×2")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[data-activate="aelyst-queue-449"]`)),
		waitJS(`document.querySelector('article[data-scenario="aelyst-queue-449"] .active') !== null`),
	))
	var scen struct {
		Scenarios []struct {
			Name     string   `json:"name"`
			ActiveIn []string `json:"activeIn"`
		} `json:"scenarios"`
	}
	adminGet("scenarios", &scen)
	active := map[string][]string{}
	for _, sc := range scen.Scenarios {
		active[sc.Name] = sc.ActiveIn
	}
	require.Equal(t, []string{"default"}, active["aelyst-queue-449"])
	require.Equal(t, 449, send(http.MethodPost, "/aelyst/v1/contact/id:1/conversation/assignee", "Bearer t", `{"assignee":null}`))

	// State: a bad edit is refused with the schema's reason; a good one is stored and reads back.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("4"),
		waitJS(`document.querySelector('#coll').options.length > 0`),
		setField(`#coll`, "aelyst/contacts"),
		chromedp.WaitVisible(chromedp.CSS(`#records tr[data-key="1"]`)),
		chromedp.Click(chromedp.CSS(`#records tr[data-key="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#rec-json`)),
	))
	var record map[string]any
	text, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#rec-json`)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(text), &record))
	record["status"] = "nonsense"
	bad, _ := json.Marshal(record)
	require.NoError(t, chromedp.Do(ctx,
		setField(`#rec-json`, string(bad)),
		chromedp.Click(chromedp.CSS(`#rec-save`)),
		waitJS(`document.querySelector('#rec-msg').classList.contains('error')`),
	))
	require.Contains(t, textOf(ctx, t, `#rec-msg`), "status")
	record["status"] = "closed"
	record["firstName"] = "Dashboard"
	good, _ := json.Marshal(record)
	require.NoError(t, chromedp.Do(ctx,
		setField(`#rec-json`, string(good)),
		chromedp.Click(chromedp.CSS(`#rec-save`)),
		waitJS(`document.querySelector('#rec-msg').textContent.startsWith('Saved')`),
	))
	var stored map[string]any
	adminGet("state/aelyst/contacts/1", &stored)
	require.Equal(t, "Dashboard", stored["firstName"])
	require.Equal(t, "closed", stored["status"])

	// Coverage: getContact's 404 is off until the client gets one, then turns on by itself.
	cell := `td[data-cell="aelyst/getContact/404"]`
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("5"),
		chromedp.WaitVisible(chromedp.CSS(cell)),
	))
	require.Contains(t, attr(ctx, t, cell, "class"), "off")
	require.Contains(t, attr(ctx, t, `td[data-cell="aelyst/getContact/500"]`, "class"), "on")
	// The fault goes (through the page's own origin, as a script on it would), so the next 404 is a real one.
	removed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch('/__standin/faults/qa-500?session=default',
		{method: 'DELETE', headers: {'Content-Type': 'application/json'}}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, removed)
	require.Equal(t, http.StatusNotFound, send(http.MethodGet, "/aelyst/v1/contact/id:4242", "Bearer t", ""))
	require.NoError(t, chromedp.Do(ctx, waitJS(fmt.Sprintf(`document.querySelector(%q).classList.contains('on')`, cell))))

	// The screenshot: live traffic, a little busier, with the failed request's detail open.
	require.Equal(t, http.StatusUnprocessableEntity, sendWith(t, client, ts.URL, http.MethodPost, "/carecycle/v2/campaigns/appointment-configs",
		`{"name":"Consult","bookingHours":[{"startHour":24,"dayOfWeek":[1]}]}`, "x-api-key", "cc_demo"))
	require.Equal(t, http.StatusOK, sendWith(t, client, ts.URL, http.MethodGet, "/cinnox/v1/api/apps/app-1/labels", "", "Authorization", "Bearer demo"))
	require.Equal(t, http.StatusUnauthorized, sendWith(t, client, ts.URL, http.MethodGet, "/aelyst/v1/contact/id:1", ""))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("2"),
		chromedp.WaitVisible(chromedp.CSS(`#traffic tbody tr[data-key="default/7"]`)),
		chromedp.Click(chromedp.CSS(`#traffic tbody tr[data-key="default/2"]`)),
		waitJS(`document.querySelector('#detail-stage') && document.querySelector('#detail-stage').textContent === 'fault'`),
	))
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.Contains(t, textOf(ctx, t, `#detail`), "fault rule qa-500 fired")
	out := filepath.Join(t.ArtifactDir(), "dashboard.png")
	require.NoError(t, os.WriteFile(out, shot, 0o644))
	t.Logf("screenshot: %s", out)
	if *update {
		require.NoError(t, os.WriteFile(filepath.Join("..", "docs", "dashboard.png"), shot, 0o644))
	}

	// The validation failure's detail gives the reason.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#traffic tbody tr[data-key="default/5"]`)),
		waitJS(`document.querySelector('#detail-stage').textContent === 'validation'`),
	))
	require.Contains(t, textOf(ctx, t, `#detail-reason`), "bookingHours.0.startHour: number must be at most 23")

	// Filters: a status class, then text.
	visibleKeys := func() []string {
		keys, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#traffic tbody tr')].map(r => r.dataset.key)`))
		require.NoError(t, err)
		return keys
	}
	require.NoError(t, chromedp.Do(ctx, setField(`#f-status`, "4xx")))
	require.Equal(t, []string{"default/7", "default/5", "default/4", "default/3"}, visibleKeys())
	require.NoError(t, chromedp.Do(ctx, setField(`#f-status`, ""), setField(`#f-text`, "cinnox")))
	require.Equal(t, []string{"default/6"}, visibleKeys())
	require.NoError(t, chromedp.Do(ctx, setField(`#f-text`, "")))

	// Pause holds new entries back (counting them) until resumed.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#pause`))))
	require.Equal(t, http.StatusOK, sendWith(t, client, ts.URL, http.MethodGet, "/aelyst/v1/contact/id:1", "", "Authorization", "Bearer t"))
	require.NoError(t, chromedp.Do(ctx, waitJS(`document.querySelector('#traffic-count').textContent.includes('1 new')`)))
	require.NotContains(t, visibleKeys(), "default/8")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#pause`)),
		chromedp.WaitVisible(chromedp.CSS(`#traffic tbody tr[data-key="default/8"]`)),
	))

	// The other panels as they ended, as artefacts for a reviewer.
	for key, name := range map[string]string{"1": "apis", "3": "faults", "4": "state", "5": "coverage"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(key), chromedp.WaitVisible(chromedp.CSS("#panel-"+name))))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(t.ArtifactDir(), "dashboard-"+name+".png"), png, 0o644))
	}
}

// adminGuard stands in for the admin access rules the page must work under: a cross-origin admin request is
// refused, a write must carry JSON, and when token is set every admin call except the page and its two files
// needs it as a bearer token.
func adminGuard(next http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refuse := func(status int, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error":%q}`, msg)
		}
		p := r.URL.Path
		if !strings.HasPrefix(p, AdminPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			refuse(http.StatusForbidden, "cross-origin admin request from "+o)
			return
		}
		read := r.Method == http.MethodGet || r.Method == http.MethodHead
		if !read && r.Header.Get("Content-Type") != "application/json" {
			refuse(http.StatusUnsupportedMediaType, "admin writes must be application/json, got "+r.Header.Get("Content-Type"))
			return
		}
		page := read && (p == AdminPrefix || p == AdminPrefix+"ui/app.js" || p == AdminPrefix+"ui/app.css")
		if token != "" && !page && r.Header.Get("Authorization") != "Bearer "+token {
			refuse(http.StatusUnauthorized, "admin token required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// dashboardServer serves the three bundled APIs with the admin token (Config.AdminToken, the server's own
// access rules) behind adminGuard, which also insists on a JSON content type for every admin write.
func dashboardServer(t *testing.T, token string) (*httptest.Server, *Server) {
	t.Helper()
	srv, err := New(engineAPIs(t, "aelyst", "carecycle", "cinnox"), Config{AdminToken: token})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	ts := httptest.NewServer(adminGuard(srv, token))
	t.Cleanup(ts.Close)
	t.Cleanup(srv.EndStreams) // before ts.Close, which waits for the page's open stream
	return ts, srv
}

// TestDashboardBrowserAdminToken: behind an admin token, the page asks for it once, keeps it in the tab's
// sessionStorage only, and sends it with every call, the journal stream included.
func TestDashboardBrowserAdminToken(t *testing.T) {
	ctx := browser(t, 60*time.Second)
	ts, _ := dashboardServer(t, "s3cret-admin")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+AdminPrefix),
		chromedp.WaitVisible(chromedp.CSS(`#token-dialog[open] #token-input`)),
		chromedp.SendKeys(chromedp.CSS(`#token-input`), "s3cret-admin"),
		chromedp.Click(chromedp.CSS(`#token-form button[value="ok"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#apis article[data-api="cinnox"]`)),
		waitJS(`document.querySelector('#conn').textContent === 'live'`),
	))
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[sessionStorage.getItem('standin-admin-token'), String(localStorage.length), document.cookie]`))
	require.NoError(t, err)
	require.Equal(t, []string{"s3cret-admin", "0", ""}, stored)

	res, err := ts.Client().Get(ts.URL + "/aelyst/v1/contact/id:1")
	require.NoError(t, err)
	_ = res.Body.Close()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("2"),
		chromedp.WaitVisible(chromedp.CSS(`#traffic tbody tr[data-key="default/1"]`)),
		chromedp.KeyEvent("3"),
		setField(`#ff-api`, "cinnox"),
		setField(`#ff-status`, "500"),
		setField(`#ff-id`, "with-token"),
		chromedp.Click(chromedp.CSS(`#ff-add`)),
		chromedp.WaitVisible(chromedp.CSS(`#rules tr[data-rule="with-token"]`)),
	))
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#token-dialog').open`))
	require.NoError(t, err)
	require.False(t, open, "the token is asked for once")
}

// sendWith sends one API request; headers are name/value pairs.
func sendWith(t *testing.T, client *http.Client, base, method, path, body string, headers ...string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

func attr(ctx context.Context, t *testing.T, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	require.NoError(t, err)
	require.True(t, v.Exists, "%s has no %s", sel, name)
	return v.Value
}
