package main

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/standin/standin/internal/swar"
	"github.com/standin/standin/mock"
)

// fastTextHandler writes the lines slog.TextHandler writes (no ReplaceAttr, no source), byte for byte, for the
// records the mock logs per request: flat attributes of kind string, int, float or bool with printable ASCII text.
// It formats them into a pooled buffer without the text handler's per-attribute work; any other record, and any
// logger derived with WithAttrs or WithGroup, goes to the TextHandler itself. Both write through one lock.
type fastTextHandler struct {
	text  slog.Handler // the TextHandler, over out
	out   *lockedWriter
	level slog.Leveler
}

// lockedWriter writes the handler's lines one at a time. Request lines (gather) that follow another write by less
// than gatherWindow are gathered and written together at most gatherWindow later, in one write call instead of one
// per request: under load the per-request write(2) cost about a tenth of a pinned server's throughput. A line after
// a quiet spell is written at once, so someone watching the log sees no delay; every other line (warnings, start
// and stop) first writes what was gathered, then itself, so the order of lines is kept.
type lockedWriter struct {
	mu       sync.Mutex
	w        io.Writer
	window   time.Duration // gatherWindow but in tests
	gathered []byte        // request lines not written yet
	last     time.Time     // when the last write to w was made
	timer    *time.Timer
	armed    bool  // timer will write gathered
	err      error // the error of a gathered write, returned by the next Write
}

// gatherWindow is how long a request line may wait to be written with others; gatherLimit how much may wait.
const (
	gatherWindow = 10 * time.Millisecond
	gatherLimit  = 64 << 10
)

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.flushLocked(); err != nil {
		return 0, err
	}
	l.last = time.Now()
	return l.w.Write(p)
}

// gather writes a request line, or keeps it to write with the next ones when the last write was less than
// gatherWindow ago.
func (l *lockedWriter) gather(p []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.err; err != nil {
		l.err = nil
		return err
	}
	now := time.Now()
	if len(l.gathered) == 0 && now.Sub(l.last) >= l.window {
		l.last = now
		_, err := l.w.Write(p)
		return err
	}
	l.gathered = append(l.gathered, p...)
	if len(l.gathered) >= gatherLimit {
		return l.flushLocked()
	}
	if !l.armed {
		l.armed = true
		if l.timer == nil {
			l.timer = time.AfterFunc(l.window, l.timed)
		} else {
			l.timer.Reset(l.window)
		}
	}
	return nil
}

// timed writes the gathered lines when their window ends.
func (l *lockedWriter) timed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.armed = false
	if err := l.flushLocked(); err != nil {
		l.err = err
	}
}

// Flush writes the gathered lines now (at shutdown).
func (l *lockedWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}

func (l *lockedWriter) flushLocked() error {
	if len(l.gathered) == 0 {
		return nil
	}
	l.last = time.Now()
	_, err := l.w.Write(l.gathered)
	if cap(l.gathered) > 4*gatherLimit {
		l.gathered = nil
	} else {
		l.gathered = l.gathered[:0]
	}
	return err
}

// flushLog writes what h (a handler newFastTextHandler made) has gathered; a no-op for other handlers.
func flushLog(h slog.Handler) error {
	if fh, ok := h.(*fastTextHandler); ok {
		return fh.out.Flush()
	}
	return nil
}

func newFastTextHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	out := &lockedWriter{w: w, window: gatherWindow}
	var level slog.Leveler = slog.LevelInfo
	if opts != nil && opts.Level != nil {
		level = opts.Level
	}
	if opts != nil && (opts.ReplaceAttr != nil || opts.AddSource) {
		return slog.NewTextHandler(w, opts)
	}
	return &fastTextHandler{text: slog.NewTextHandler(out, opts), out: out, level: level}
}

func (h *fastTextHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h *fastTextHandler) WithAttrs(as []slog.Attr) slog.Handler { return h.text.WithAttrs(as) }

func (h *fastTextHandler) WithGroup(name string) slog.Handler { return h.text.WithGroup(name) }

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (h *fastTextHandler) Handle(ctx context.Context, r slog.Record) error {
	bp := lineBufs.Get().(*[]byte)
	b, ok := appendTextRecord((*bp)[:0], r)
	var err error
	if ok {
		_, err = h.out.Write(b)
	} else {
		err = h.text.Handle(ctx, r)
	}
	if cap(b) <= 16<<10 {
		*bp = b[:0]
		lineBufs.Put(bp)
	}
	return err
}

var _ mock.RequestLineHandler = (*fastTextHandler)(nil)

// HandleRequestLine writes the request line from its parts, as Handle writes a record made of them, without
// making the record (mock.RequestLineHandler).
func (h *fastTextHandler) HandleRequestLine(ctx context.Context, t time.Time, level slog.Level, msg string,
	attrs [mock.RequestLineAttrs]slog.Attr) error {
	bp := lineBufs.Get().(*[]byte)
	b, ok := appendTextHead((*bp)[:0], t, level, msg)
	for i := 0; ok && i < len(attrs); i++ {
		b, ok = appendTextAttr(b, attrs[i])
	}
	var err error
	if ok {
		b = append(b, '\n') // kept in b, so that a buffer grown by the newline goes back to the pool grown
		err = h.out.gather(b)
	} else {
		r := slog.NewRecord(t, level, msg, 0)
		r.AddAttrs(attrs[:]...)
		err = h.text.Handle(ctx, r)
	}
	if cap(b) <= 16<<10 {
		*bp = b[:0]
		lineBufs.Put(bp)
	}
	return err
}

// appendTextRecord formats r as TextHandler would, or reports false when r holds something only it formats.
func appendTextRecord(b []byte, r slog.Record) ([]byte, bool) {
	b, ok := appendTextHead(b, r.Time, r.Level, r.Message)
	if !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		b, ok = appendTextAttr(b, a)
		return ok
	})
	return append(b, '\n'), ok
}

// appendTextHead writes a line's time, level and message, or reports false when only TextHandler formats them.
func appendTextHead(b []byte, t time.Time, level slog.Level, msg string) ([]byte, bool) {
	if !t.IsZero() {
		b = append(b, "time="...)
		b = appendMillis(b, t.Round(0))
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = append(b, level.String()...)
	b = append(b, " msg="...)
	return appendText(b, msg)
}

// appendTextAttr writes one attribute, space first, or reports false when only TextHandler formats it.
func appendTextAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if a.Key == "" {
		return b, false
	}
	b = append(b, ' ')
	b, ok := appendText(b, a.Key)
	if !ok {
		return b, false
	}
	b = append(b, '=')
	switch v := a.Value; v.Kind() {
	case slog.KindString:
		return appendText(b, v.String())
	case slog.KindInt64:
		b = strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindFloat64:
		b = strconv.AppendFloat(b, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		b = strconv.AppendBool(b, v.Bool())
	default:
		return b, false
	}
	return b, true
}

// appendMillis writes t as RFC 3339 with exactly three fractional digits, as slog does: the digits are written
// directly (time.Time.AppendFormat parses its layout on every call), years beyond 0-9999 through AppendFormat.
func appendMillis(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		const prefixLen = len("2006-01-02T15:04:05.000")
		n := len(b)
		t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
		b = t.AppendFormat(b, time.RFC3339Nano)
		return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	_, offset := t.Zone()
	if offset == 0 {
		return append(b, 'Z')
	}
	zone := offset / 60 // minutes, as the Z07:00 layout element counts them
	sign := byte('+')
	if zone < 0 {
		sign, zone = '-', -zone
	}
	h, m := zone/60, zone%60
	if h >= 100 {
		return append(b, sign, byte('0'+h/100), byte('0'+h/10%10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
	}
	return append(b, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

// textClass sorts the bytes for appendText: 0 written as it is, textQuote makes TextHandler quote the text (a
// space, '=' or '"'), textOther is not printable ASCII (left to TextHandler).
const (
	textQuote = 1 << iota
	textOther
)

var textClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c < 0x20 || c >= 0x7f:
			t[c] = textOther
		case c == ' ' || c == '=' || c == '"':
			t[c] = textQuote
		}
	}
	return t
}()

// appendText writes s as TextHandler does when s is printable ASCII, in one pass: as it is, or quoted when it is
// empty or holds a space, '=' or '"'. For any other s it reports false.
func appendText(b []byte, s string) ([]byte, bool) {
	if s == "" {
		return append(b, `""`...), true
	}
	// Eight bytes at a time while they are all written as they are; the rest, or a word holding a byte that may
	// not be, byte by byte.
	i := 0
	for ; i+8 <= len(s) && plainWord(swar.Load(s, i)); i += 8 {
	}
	var class uint8
	for ; i < len(s); i++ {
		class |= textClass[s[i]]
	}
	switch {
	case class&textOther != 0:
		return b, false
	case class != 0:
		return strconv.AppendQuote(b, s), true
	}
	return append(b, s...), true
}

// plainWord reports whether none of the eight bytes in x is one textClass marks: each is printable ASCII other
// than space, '=' and '"'. It may say no for a word that is plain (appendText then looks byte by byte), never
// yes for one that is not: with no high bit set, the tests find every byte below 0x21 and every byte equal to
// 0x7f, '=' or '"'.
func plainWord(x uint64) bool {
	return x&swar.Hi == 0 && swar.Below(x, 0x21) == 0 && swar.Zero(x^swar.Lo*0x7f) == 0 &&
		swar.Zero(x^swar.Lo*'=') == 0 && swar.Zero(x^swar.Lo*'"') == 0
}
