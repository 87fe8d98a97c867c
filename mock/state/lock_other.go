//go:build !unix

package state

import "os"

// lockFile is a no-op where flock(2) does not exist: two servers on one state file are not detected there.
func lockFile(*os.File) error { return nil }
