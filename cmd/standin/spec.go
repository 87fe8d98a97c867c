package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/standin/standin/openapi"
)

const specSynopsis = "standin spec list | show NAME | check [--strict] FILE|URL..."

const specHelp = `Work with OpenAPI documents.

  list         the bundled APIs with their operations (method, path, operationId, documented statuses)
  show NAME    print the YAML of a bundled API (carecycle, aelyst, cinnox); redirect it to a file to start your own
  check FILE   load any OpenAPI 3.x or Swagger 2.0 document (a file or an http(s) URL) as serve and test do, and
               list every problem as file:line: at JSON-pointer: [warning:] what was wrong.

Errors break a MUST of OpenAPI (an unresolvable $ref, a security requirement naming no scheme, conflicting
path templates, a wrong type) or of x-standin: serve and test refuse such a document. Warnings are what a
document SHOULD do (examples and defaults that match their schemas, Example Objects with a value, response
descriptions, info and its title): serve and test count them at start and work; an example that does not
match is never served, a valid value is generated instead.

Exit status: 0 no errors (warnings allowed unless --strict), 1 errors, 2 a file or URL that cannot be read.

Examples:
  standin spec list
  standin spec show aelyst > aelyst.yaml
  standin spec check my-api.yaml
  standin spec check --strict https://example.com/openapi.yaml`

func runSpec(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("spec", specSynopsis, specHelp, e)
	strict := fs.Bool("strict", false, "check: count warnings as errors (a lint gate for CI)")
	// Flags may come before or after the subcommand and its files.
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) == 0 {
		fs.Usage()
		return usageError("spec needs a subcommand: list, show NAME or check FILE")
	}
	switch rest[0] {
	case "list":
		if len(rest) != 1 {
			return usageError("spec list takes no arguments")
		}
		return specList(ctx, e)
	case "show":
		if len(rest) != 2 {
			return usageError("spec show needs one API name: " + strings.Join(openapi.Bundled(), ", "))
		}
		src, err := openapi.Source(rest[1])
		if err != nil {
			return usageError(err.Error())
		}
		_, err = e.stdout.Write(src)
		return err
	case "check":
		if len(rest) < 2 {
			return usageError("spec check needs at least one FILE")
		}
		return specCheck(ctx, rest[1:], *strict, e)
	}
	return usageError(fmt.Sprintf("unknown spec subcommand %q: expected list, show or check", rest[0]))
}

func specList(ctx context.Context, e env) error {
	for i, name := range openapi.Bundled() {
		api, err := openapi.Load(ctx, name)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintf(e.stdout, "%s — %s %s\n  server: %s   mounted at /%s\n", api.Name, api.Doc.Info.Title,
			api.Doc.Info.Version, api.ServerURL, api.Name)
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, op := range api.Operations {
			codes := make([]string, len(op.Statuses))
			for j, s := range op.Statuses {
				codes[j] = strconv.Itoa(s)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", op.Method, api.BasePath+op.Path, op.ID, strings.Join(codes, " "))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func specCheck(ctx context.Context, files []string, strict bool, e env) error {
	errs, warnings, unread := 0, 0, 0
	for _, file := range files {
		api, problems := openapi.Inspect(ctx, file, openapi.Options{Strict: strict})
		var fe, fw int
		for _, p := range problems {
			var re *openapi.ReadError
			if errors.As(p, &re) {
				unread++
				fmt.Fprintln(e.stderr, "standin: "+p.Error())
				continue
			}
			fmt.Fprintln(e.stdout, p.Error())
			if p.Level == openapi.LevelWarning {
				fw++
			} else {
				fe++
			}
		}
		errs += fe
		warnings += fw
		switch {
		case api == nil && fe+fw == 0:
			// not read; reported above
		case fe+fw == 0:
			fmt.Fprintf(e.stdout, "%s: ok%s\n", file, convertedNote(api))
		default:
			fmt.Fprintf(e.stdout, "%s: %s%s\n", file, counts(fe, fw, strict), convertedNote(api))
		}
	}
	switch {
	case unread > 0:
		return &exitError{code: 2}
	case errs > 0 || strict && warnings > 0:
		return checkFailed(counts(errs, warnings, strict) + " found")
	}
	return nil
}

// counts says how many errors and warnings a document has, and whether --strict refuses it.
func counts(errs, warnings int, strict bool) string {
	s := plural(errs, "error") + ", " + plural(warnings, "warning")
	if strict && warnings > 0 {
		s += " (errors under --strict)"
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func convertedNote(api *openapi.API) string {
	if api != nil && api.Converted {
		return " (Swagger 2.0, converted to OpenAPI 3)"
	}
	return ""
}

// loadNotes prints what a user should know about a document serve or test loaded: converted from Swagger 2.0,
// how many warnings (the list with --warnings).
func loadNotes(w io.Writer, api *openapi.API, list bool) {
	if api.Converted {
		fmt.Fprintf(w, "%s: Swagger 2.0, converted to OpenAPI 3\n", api.File)
	}
	if len(api.Warnings) == 0 {
		return
	}
	if list {
		for _, p := range api.Warnings {
			fmt.Fprintln(w, p.Error())
		}
		return
	}
	fmt.Fprintf(w, "%s: %s (examples that do not match are never served); --warnings or 'standin spec check %s' lists them\n",
		api.File, plural(len(api.Warnings), "warning"), api.File)
}

// loadFlags are the flags about loading documents that serve and test share.
type loadFlags struct {
	strict, warnings, watch bool
}

func (lf *loadFlags) register(fs *flag.FlagSet, serve bool) {
	fs.BoolVar(&lf.strict, "strict", false, "refuse a document with warnings as well as errors (see 'standin spec --help'); for test, spec gaps fail too")
	fs.BoolVar(&lf.warnings, "warnings", false, "list each warning of the documents at start instead of their count")
	if serve {
		fs.BoolVar(&lf.watch, "watch", true, "reload a --spec file when it (or a file it references) changes; SIGHUP reloads too")
	}
}

func (lf *loadFlags) options() openapi.Options { return openapi.Options{Strict: lf.strict} }
