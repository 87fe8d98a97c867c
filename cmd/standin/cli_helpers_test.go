package main

import (
	"errors"
	"os"
)

func asExitCoder(err error, target *interface{ ExitCode() int }) bool { return errors.As(err, target) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
