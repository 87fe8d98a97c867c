// Package openapi loads the OpenAPI 3 documents that drive standin: the bundled vendor specs embedded in the
// binary (careCycle, Aelyst, CINNOX) and any document a user points at on disk. It never reads from the network.
//
// # Loading
//
// [Load] loads a bundled spec by name, [LoadFile] a document from disk. Both validate the document with
// kin-openapi (examples included) and read the root `x-standin` block into [Extension]. A document that does not
// load gives a [*LoadError] naming the file, the line, the JSON pointer and what was expected; [Check] lists every
// problem of a document instead of stopping at the first.
//
// # The API value
//
// An [API] carries the parsed document, its mount name, the base path of its server URL (Aelyst's "/v1") and its
// operations in a stable order. It is immutable after loading and safe for concurrent use.
package openapi
