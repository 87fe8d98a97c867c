//go:build unix

package openapi

import "syscall"

func syscallMkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
