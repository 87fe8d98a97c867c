package mock

// OWNER: engine helper (issue 3). Every function here is a placeholder that the engine work replaces, each in
// the file named beside it; delete this file when all are written.

import "net/http"

func pass(next http.Handler) http.Handler { return next }
