//go:build unix

package openapi

import (
	"os"
	"syscall"
)

// openNonBlocking opens path for reading without waiting: opening a FIFO with no writer returns at once (the
// caller then refuses it as not a regular file) instead of blocking the load.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
