package main

import (
	"errors"
	"flag"
	"os"
)

// update rewrites the package's golden files (testdata/test-*.golden) from what the tests produce: go test
// ./cmd/standin -update. Review the diff before committing.
var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

func asExitCoder(err error, target *interface{ ExitCode() int }) bool { return errors.As(err, target) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
