package mock

import (
	"bufio"
	"maps"
	"net/http"
	"strconv"
)

// sendLargeText writes a text answer (a string body under a media type that is neither JSON nor, for a body that
// was not already text, XML) of jsonStreamThreshold bytes or more through a buffer of jsonStreamBuffer bytes, and
// reports whether it did; a smaller text is left to send. The text is already whole in memory, so its
// Content-Length is known and kept; what streaming saves is the copy of the whole text that converting it to
// bytes for one Write made for every request, held for as long as a slow reader takes.
func (ex *exchange) sendLargeText(w http.ResponseWriter, stage string, status int, header http.Header, text string) bool {
	if len(text) < jsonStreamThreshold {
		return false
	}
	ex.answeredBy, ex.status = stage, status
	h := w.Header()
	maps.Copy(h, header)
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	bw := bufio.NewWriterSize(&connWriter{w: w}, jsonStreamBuffer)
	// bufio copies the text piece by piece (connWriter takes no strings whole) and stops at the first failed
	// write: a failed connection is the only error, and it needs nothing more.
	_, _ = bw.WriteString(text)
	_ = bw.Flush()
	return true
}
