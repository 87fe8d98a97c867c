package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/standin/standin/openapi"
)

const specSynopsis = "standin spec list | show NAME | check FILE..."

const specHelp = `Work with OpenAPI documents.

  list         the bundled APIs with their operations (method, path, operationId, documented statuses)
  show NAME    print the YAML of a bundled API (carecycle, aelyst, cinnox); redirect it to a file to start your own
  check FILE   validate any OpenAPI 3 document from disk, examples and x-standin blocks included; every problem is
               listed as file:line: at JSON-pointer: what was wrong. Exit 0 when clean, 1 with problems.

Examples:
  standin spec list
  standin spec show aelyst > aelyst.yaml
  standin spec check my-api.yaml`

func runSpec(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("spec", specSynopsis, specHelp, e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
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
		return specCheck(ctx, rest[1:], e)
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

func specCheck(ctx context.Context, files []string, e env) error {
	total := 0
	for _, file := range files {
		problems := openapi.Check(ctx, file)
		if len(problems) == 0 {
			fmt.Fprintf(e.stdout, "%s: ok\n", file)
			continue
		}
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p.Error())
		}
		total += len(problems)
	}
	if total > 0 {
		return checkFailed(fmt.Sprintf("%d problem(s) found", total))
	}
	return nil
}
