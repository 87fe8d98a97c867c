// Command standin serves offline stand-ins for third-party HTTP APIs and checks servers against their contracts.
// Run `standin --help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode prints err (unless it is already reported) and maps it to the process exit status:
// 0 success, 1 a failed check, 2 a usage error or an unreachable target.
func exitCode(err error, stderr *os.File) int {
	if err == nil {
		return 0
	}
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "standin:", msg)
		}
		return coded.ExitCode()
	}
	fmt.Fprintln(stderr, "standin:", err)
	return 1
}
