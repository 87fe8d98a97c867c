package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"
	"unicode"
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
Run 'standin help <command>' or 'standin <command> --help' for a command's flags and examples;
'standin --version' for the version.
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
	case "-h", "-help", "--help":
		usage(e.stdout)
		return nil
	case "help":
		if len(args) == 1 {
			usage(e.stdout)
			return nil
		}
		// standin help CMD [SUB]: the command's own help, as CMD --help prints it.
		return run(ctx, []string{args[1], "--help"}, e)
	case "-version", "--version", "version":
		fmt.Fprintln(e.stdout, versionLine())
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

// helpAsked is the output parseFlags gives a flag set while it prints the help a user asked for: the usage
// function then writes to stdout instead of stderr.
type helpAsked struct{ io.Writer }

// newFlagSet makes a flag set for a subcommand with a usage text. Asked for (--help) the help goes to e.stdout;
// after a mistake the usage goes to e.stderr. Flags are shown as --flag.
func newFlagSet(name, synopsis, description string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("standin "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		if _, ok := w.(helpAsked); ok {
			w = e.stdout
		}
		fmt.Fprintf(w, "Usage:\n  %s\n\n%s\n", synopsis, strings.TrimSpace(description))
		printFlags(w, fs)
	}
	return fs
}

// printFlags lists the flags of fs as --name VALUE with their usage and default, like flag.PrintDefaults but with
// the double dash users type.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(w, "%s\n      %s", line, strings.ReplaceAll(usage, "\n", "\n      "))
		if def := f.DefValue; def != "" && def != "0" && def != "false" && def != "0s" && def != "[]" {
			fmt.Fprintf(w, " (default %s)", def)
		}
		fmt.Fprintln(w)
	})
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parseFlags parses args. A --help anywhere (before a "--") prints the command's help on stdout and returns
// flag.ErrHelp, so `spec check --help` never reads a file called --help. A parse failure becomes a usage error
// naming the flag as --flag.
func parseFlags(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) {
			out := fs.Output()
			fs.SetOutput(helpAsked{out})
			fs.Usage()
			fs.SetOutput(out)
			return flag.ErrHelp
		}
	}
	// The flag package prints its message and the whole usage on a mistake; standin prints one line instead.
	var msg strings.Builder
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(&msg)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	if err != nil {
		return usageError(fmt.Sprintf("%s: %s; run '%s --help' for the flags", fs.Name(), flagMessage(err), fs.Name()))
	}
	return nil
}

var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagInvalid   = regexp.MustCompile(`^invalid (boolean )?value (".*") for flag -+([^:]*): (.*)$`)
	flagNeedsArg  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// flagMessage rewrites the flag package's messages with the --flag spelling.
func flagMessage(err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := flagInvalid.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s %s: %s", m[3], m[2], m[4])
	}
	if m := flagNeedsArg.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	return msg
}

// flagName turns a Go configuration field name into the flag that sets it: MaxRequests → --max-requests.
func flagName(field string) string {
	var b strings.Builder
	rs := []rune(field)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			// A new word starts at an upper-case letter after a lower-case one, or before a lower-case one
			// inside an acronym (APIKey → api-key).
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return "--" + b.String()
}

// versionLine is standin's module version and the commit it was built from, as the Go toolchain recorded them.
func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "standin (no build information)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var commit, when, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " (modified)"
			}
		}
	}
	line := "standin " + version
	if commit != "" {
		line += " commit " + commit + dirty
		if when != "" {
			line += " " + when
		}
	} else {
		line += " commit unknown (built without VCS information)"
	}
	return line + " " + info.GoVersion
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
