//go:build baselinelibs

package main

// Built with -tags baselinelibs, the baseline links the libraries standin's request path runs with and runs their
// package initialisation, but calls none of them: their package-level data (kin-openapi's JSON-schema
// meta-schemas, gofakeit's word lists and function table, compiled regular expressions) is live heap that the
// collector marks at every cycle. bench/targets.sh measures this build beside the plain one, so that what those
// libraries cost a Go server under load is read apart from what standin's own code costs.
import (
	_ "github.com/brianvoe/gofakeit/v7"
	_ "github.com/dlclark/regexp2/v2"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/getkin/kin-openapi/routers/gorillamux"
)
