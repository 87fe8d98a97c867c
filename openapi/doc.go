// Package openapi loads the OpenAPI documents that drive standin: the bundled vendor specs embedded in the binary
// (careCycle, Aelyst, CINNOX) and any document a user brings, OpenAPI 3.0, 3.1 or Swagger 2.0, from a file or an
// http(s) URL.
//
// # Loading
//
// [Load] loads a bundled spec by name, [LoadFile] and [LoadWith] a document from a file or a URL, [Inspect] and
// [Check] list every problem of a document instead of stopping at the first. All validate the document with
// kin-openapi and read the root `x-standin` block into [Extension]. Swagger 2.0 is converted with kin-openapi's
// openapi2conv ([API.Converted]). $refs to other files and URLs are followed within limits (fetch.go): regular
// files only, [DefaultMaxBytes] each, [FetchTimeout] per fetch, no local file on behalf of a remote document.
//
// # Errors and warnings
//
// Every problem is a [*LoadError] naming the file, the line, the JSON pointer and what was expected, with a
// [Level]. [LevelError] breaks a MUST of OpenAPI or of x-standin and refuses the document. [LevelWarning] is what
// a document SHOULD do (examples and defaults that match their schemas, Example Objects with a value, response
// descriptions, info and its title, valid patterns): the document loads, mended so that every consumer can trust
// it (an example or default that does not match is removed, so it is never served), and the warnings are in
// [API.Warnings]. [Options.Strict] refuses warnings too.
//
// Schema patterns are ECMA-262 regular expressions, compiled by package pattern and registered with kin-openapi
// at load, so validation anywhere in the process uses the same engine.
//
// # The API value
//
// An [API] carries the parsed document, its mount name, the base path of its server URL (Aelyst's "/v1") and its
// operations in a stable order. It is immutable after loading and safe for concurrent use.
package openapi
