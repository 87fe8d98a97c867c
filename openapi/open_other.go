//go:build !unix

package openapi

import "os"

// openNonBlocking opens path for reading (systems without FIFOs in the file system need no care).
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
