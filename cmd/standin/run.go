package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// env is everything a command reads from or writes to the outside world, so the whole CLI runs in tests.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of standin.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

func commands() []command {
	return []command{
		{"serve", "run the mock server for the bundled APIs or any OpenAPI document", runServe},
		{"test", "check a real or mock server against an API's contract", runTest},
		{"scenario", "list, show and run QA fault scenarios", runScenario},
		{"spec", "list, show and check OpenAPI documents", runSpec},
	}
}

const usageHeader = `standin gives teams offline stand-ins for the third-party HTTP APIs they integrate with:
a stateful mock server, injectable faults and a contract-test runner, all driven by OpenAPI documents.

Usage:
  standin <command> [flags]

Commands:
`

const usageFooter = `
Run 'standin <command> --help' for a command's flags and examples.
Bundled APIs: careCycle v2 (carecycle), Aelyst v1 (aelyst), CINNOX Open API (cinnox).

Exit status: 0 success, 1 a check failed, 2 a usage error or an unreachable target.
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHeader)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, usageFooter)
}

// run dispatches args to a subcommand.
func run(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		usage(e.stderr)
		return usageError("no command given")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], e)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	usage(e.stderr)
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

// exitError carries an exit status. An empty message means the failure was already reported.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) ExitCode() int { return e.code }

func usageError(msg string) error { return &exitError{code: 2, msg: msg} }

// checkFailed reports that a check failed after the details were printed.
func checkFailed(msg string) error { return &exitError{code: 1, msg: msg} }

// newFlagSet makes a flag set for a subcommand that writes its help to e.stderr, with a usage text.
func newFlagSet(name, synopsis, description string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("standin "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", synopsis, strings.TrimSpace(description))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args, turning a parse failure into a usage error (the flag package already printed why).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2}
	}
	return nil
}

// listFlag is a repeatable, comma-separable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}
