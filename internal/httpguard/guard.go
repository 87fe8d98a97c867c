// Package httpguard refuses HTTP/1 requests that net/http accepts but a proxy in front of the server may read
// differently: a request carrying both Content-Length and Transfer-Encoding (request smuggling, RFC 9112 section
// 6.1). net/http drops the Content-Length of such a request and keeps the connection open, so a handler cannot
// tell; the guard watches each connection's bytes, finds every request head (pipelined or not) by following the
// framing of the bodies between them, and marks the offending request so that Handler answers 400 and closes.
//
// Use both halves together:
//
//	g := httpguard.New()
//	hs := &http.Server{Handler: g.Handler(h)}
//	hs.Serve(g.Listener(ln)) // or g.TLSListener(ln, cfg, timeout) for TLS
//
// HTTP/1 connections are watched, in plain text or over TLS; a TLS connection that negotiates HTTP/2 is not
// (HTTP/2 frames carry their own lengths). The cost is a pass over each head's bytes; bodies are skipped by
// length, not scanned.
package httpguard

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// Guard pairs a listener wrapper with a handler wrapper. It is safe for concurrent use.
type Guard struct {
	// marker is the field name the listener adds to a refused head; it holds a random part a client cannot guess,
	// so only the listener can make Handler refuse a request.
	marker string
	line   []byte // marker + ": 1\r\n\r\n", the end the listener gives a refused head
}

// New returns a Guard with a fresh random marker.
func New() *Guard {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	marker := http.CanonicalHeaderKey("Standin-Refused-" + hex.EncodeToString(b[:]))
	return &Guard{marker: marker, line: []byte(marker + ": 1\r\n\r\n")}
}

// Message is the body of the 400 answer to a request with both Content-Length and Transfer-Encoding.
const Message = "400 Bad Request: the request has both Content-Length and Transfer-Encoding; send one of them " +
	"(RFC 9112 section 6.1: such a request may be an attempt at request smuggling). The connection is closed.\n"

// Handler answers 400 and closes the connection for a request the listener refused, and passes every other
// request to next.
func (g *Guard) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, refused := r.Header[g.marker]; refused {
			h := w.Header()
			h.Set("Connection", "close")
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(Message))
			return
		}
		next.ServeHTTP(w, r)
	})
}
