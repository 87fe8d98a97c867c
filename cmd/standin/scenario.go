package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/standin/standin/mock"
	"github.com/standin/standin/scenarios"
)

const scenarioDescription = `
QA fault scenarios: named sets of fault rules (rate limits, 449 queues, 5xx, latency, dropped connections),
optional state overrides and expectations. Bundled ones are listed by 'standin scenario list'; --dir adds a
folder of your own *.yaml files (they replace bundled ones of the same name).

Subcommands:
  list                     the scenarios and what each does
  show NAME|FILE           one scenario: description, rules, state overrides and expectations
  run NAME|FILE --target URL
                           activate the scenario on a running standin (in a fresh session), send its
                           expectations' requests and print a PASS/FAIL line each

Examples:
  standin scenario list
  standin scenario show aelyst-queue-449
  standin serve &  standin scenario run aelyst-queue-449 --target http://127.0.0.1:4010

Exit status: 0 every expectation passed, 1 one failed, 2 a usage error or a target that is unreachable or
not a standin server.`

// runScenario dispatches the scenario subcommands.
func runScenario(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("scenario", "standin scenario list|show NAME|run NAME --target URL [--dir DIR]", scenarioDescription, e)
	dir := fs.String("dir", "", "folder of user scenario files, searched before the bundled ones")
	target := fs.String("target", "", "URL of a running standin server: its root or an API's base URL as `standin test` takes it (run)")
	session := fs.String("session", "", "session to run in (run; default: a fresh random one)")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit of each request (run)")
	if len(args) == 0 {
		fs.Usage()
		return usageError("standin scenario: expected a subcommand: list, show or run")
	}
	sub, rest := args[0], args[1:]
	if isHelp(sub) {
		return parseFlags(fs, []string{sub}) // prints the help on stdout
	}
	// Flags may come before or after the name.
	var positional []string
	for len(rest) > 0 {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			positional = append(positional, rest[0])
			rest = rest[1:]
		}
	}
	switch sub {
	case "list":
		if len(positional) > 0 {
			return usageError("standin scenario list: takes no arguments, got " + strings.Join(positional, " "))
		}
		return scenarioList(*dir, e)
	case "show":
		if len(positional) != 1 {
			return usageError("standin scenario show: expected one scenario name or file")
		}
		return scenarioShow(positional[0], *dir, e)
	case "run":
		if len(positional) != 1 {
			return usageError("standin scenario run: expected one scenario name or file")
		}
		if *target == "" {
			return usageError("standin scenario run: --target URL is required, e.g. --target http://127.0.0.1:4010")
		}
		return scenarioRun(ctx, positional[0], *dir, *target, *session, *timeout, e)
	}
	fs.Usage()
	return usageError(fmt.Sprintf("standin scenario: unknown subcommand %q: expected list, show or run", sub))
}

func scenarioList(dir string, e env) error {
	all, err := scenarios.List(dir)
	if err != nil {
		return usageError(err.Error())
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRULES\tCHECKS\tDESCRIPTION")
	for _, sc := range all {
		checks := 0
		for _, x := range sc.Expect {
			checks += max(x.Repeat, 1)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", sc.Name, len(sc.Rules), checks, sc.Summary())
	}
	return tw.Flush()
}

func loadScenario(name, dir string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Load(name, dir)
	if err != nil {
		return nil, usageError(err.Error())
	}
	return sc, nil
}

func scenarioShow(name, dir string, e env) error {
	sc, err := loadScenario(name, dir)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s (%s)\n\n%s\n", sc.Name, sc.File, strings.TrimSpace(sc.Description))
	fmt.Fprintln(w, "\nRules (the --fault form):")
	for _, r := range sc.Rules {
		fmt.Fprintf(w, "  %s\n", r)
	}
	if len(sc.State) > 0 {
		fmt.Fprintln(w, "\nState overrides:")
		for _, o := range sc.State {
			fmt.Fprintf(w, "  %s/%s: %d record(s)\n", o.API, o.Collection, len(o.Records))
		}
	}
	if len(sc.Expect) > 0 {
		fmt.Fprintln(w, "\nExpectations:")
		for _, x := range sc.Expect {
			times := ""
			if x.Repeat > 1 {
				times = fmt.Sprintf(" x%d", x.Repeat)
			}
			drop := ""
			if x.MayDrop {
				drop = " (or a dropped connection)"
			}
			fmt.Fprintf(w, "  %s /%s%s%s -> %d%s\n", x.Request.Method, x.Request.API, x.Request.Path, times, x.Status, drop)
		}
	}
	return nil
}

func scenarioRun(ctx context.Context, name, dir, target, session string, timeout time.Duration, e env) error {
	sc, err := loadScenario(name, dir)
	if err != nil {
		return err
	}
	if len(sc.Expect) == 0 {
		return usageError(fmt.Sprintf("scenario %s has no expectations to check (%s)", sc.Name, sc.File))
	}
	rn := &scenarios.Runner{Client: &http.Client{Timeout: timeout}, Target: target, Session: session}
	if e.getenv != nil {
		rn.AdminToken = e.getenv(mock.AdminTokenEnv) // the token of a server started with one (README "Security")
	}
	passed, failed := 0, 0
	err = rn.Run(ctx, sc, func(r scenarios.Result) {
		fmt.Fprintln(e.stdout, r)
		if r.Pass {
			passed++
		} else {
			failed++
		}
	})
	if errors.Is(err, scenarios.ErrNotStandin) {
		return usageError(err.Error())
	}
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	fmt.Fprintf(e.stdout, "%s: %d passed, %d failed\n", sc.Name, passed, failed)
	if failed > 0 {
		return checkFailed("")
	}
	return nil
}
