package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/standin/standin/internal/jsonvalue"
	"github.com/standin/standin/mock/state"
	"github.com/standin/standin/openapi"
)

// behaviourStage runs the operation's x-standin behaviour (openapi.Behaviour): it reads or changes the session's
// state and leaves the answer in ex.result for the response stage, or answers an error in the API's shape
// (notFound, validation, queued). An operation without a behaviour passes through to generated data, and so does
// a behaviour inferred from the path whose failure would answer a status the operation does not document.
func (s *Server) behaviourStage(rt *apiRuntime) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ex := exchangeFrom(r.Context())
			if ex == nil || ex.op == nil || ex.session == nil {
				next.ServeHTTP(w, r)
				return
			}
			if ex.op.Behaviour == nil {
				if !s.guardAncestors(rt, ex, w, r) {
					next.ServeHTTP(w, r)
				}
				return
			}
			run := behaviourRuns.Get().(*behaviourRun)
			*run = behaviourRun{s: s, rt: rt, ex: ex, r: r, b: ex.op.Behaviour, sess: ex.session.state, now: s.clock.Now(),
				inTx: run.inTx}
			fail := run.do()
			*run = behaviourRun{inTx: run.inTx} // nothing reads the run after do: the answer is in ex.result
			behaviourRuns.Put(run)
			if fail != nil {
				if r.Context().Err() != nil {
					// The client hung up before the change was committed: nothing was applied, and nothing is
					// answered (no empty 200 to a client that half-closed): the journal says 499.
					ex.answeredBy = "behaviour"
					panic(http.ErrAbortHandler)
				}
				if fail.kind == "internal" {
					s.log.Error("behaviour failed", "api", rt.api.Name, "op", ex.op.ID, "err", fail.err)
				} else if fail.generate {
					w.Header().Set(ReasonHeader, printable(fail.reason, reasonLimit))
					next.ServeHTTP(w, r)
					return
				} else if ex.op.Behaviour.Inferred {
					// A behaviour standin inferred from the path never answers a status the operation does not
					// document: the response stage answers (example or generated data); the header says why.
					if status, documented := ex.documentsError(fail.kind); !documented {
						w.Header().Set(ReasonHeader, printable(fmt.Sprintf("%s; %s %s documents no %d, so its success response answers",
							reason(fail.kind, fail.vars), ex.op.Method, ex.op.Path, status), reasonLimit))
						next.ServeHTTP(w, r)
						return
					}
				}
				ex.writeVendorError(w, "behaviour", fail.kind, nil, fail.vars)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// behaviourRuns pools the runs of the behaviour stage, each with its transaction function bound once.
var behaviourRuns = sync.Pool{New: func() any {
	br := new(behaviourRun)
	br.inTx = br.runTx
	return br
}}

// behaviourRun is one execution of a behaviour.
type behaviourRun struct {
	s    *Server
	rt   *apiRuntime
	ex   *exchange
	r    *http.Request
	b    *openapi.Behaviour
	sess *state.Session
	tx   *state.Tx // the transaction the behaviour reads and writes in
	now  time.Time

	coll   *openapi.Collection
	qcoll  string // qualified collection name
	body   any
	hasBod bool

	idField string // the field a create's identifier names, and its value
	idValue any

	key           string // key of the found record
	before, after Record // read through beforeRecord and afterRecord: an update leaves them nil for its parts
	// beforeParts, for an update, is the found record as its base and the fields set over it
	// (state.Tx.LookupParts): before is nil until something needs the record as one map. afterPatch is what
	// the update stored, in the same form.
	beforeParts  state.Patched
	afterPatch   *state.Patched
	list         []any
	total        int
	hasMore      bool // a list left records out after its window
	refs         map[string]any
	labels       map[string]any
	materialised bool   // the request materialised a record never written
	waived       string // why strict ids did not apply (the operation documents no notFound status)

	writes bool                  // the behaviour writes: its transaction is an Update
	fail   *bFailure             // what the transaction answered (runTx)
	inTx   func(*state.Tx) error // br.runTx, bound once per pooled run
}

// bFailure is an error answer: an error kind of the API and its template variables.
type bFailure struct {
	kind string
	vars map[string]any
	err  error
	// generate hands the request to the response stage (documented example or generated data) instead of
	// answering the error: an id the record's key field cannot hold, with ids not strict. reason says why.
	generate bool
	reason   string
}

func internal(err error) *bFailure { return &bFailure{kind: "internal", err: err} }

// errBehaviourFailed ends the transaction of a behaviour that answers an error, so nothing it wrote is kept.
var errBehaviourFailed = errors.New("behaviour answered an error")

// do runs the behaviour; a nil result means ex.result holds the answer.
func (br *behaviourRun) do() *bFailure {
	b := br.b
	br.coll = br.rt.api.Collections[b.Resource]
	if br.coll == nil {
		return internal(fmt.Errorf("collection %q is not declared", b.Resource))
	}
	br.qcoll = br.rt.qualified(br.coll)
	if err := br.readBody(); err != nil {
		return &bFailure{kind: "malformed"}
	}
	for _, rule := range b.Require {
		if f := br.checkRule(rule); f != nil {
			return f
		}
	}
	br.writes = b.Action == openapi.ActionCreate || b.Action == openapi.ActionUpdate || b.Action == openapi.ActionDelete ||
		b.Action == openapi.ActionInvoke
	br.fail = nil
	if br.inTx == nil {
		br.inTx = br.runTx
	}
	var err error
	if br.writes || br.materialises() { // a read may store the record it materialises
		err = br.sess.Update(br.r.Context(), br.inTx)
	} else {
		err = br.sess.View(br.r.Context(), br.inTx)
	}
	if br.fail != nil {
		return br.fail
	}
	if err != nil {
		return internal(err)
	}
	status := b.Status
	if status == 0 {
		status = br.ex.op.SuccessStatus()
	}
	var body any
	switch {
	case b.Inferred && (b.Action == openapi.ActionList && b.ListField != "" || b.AnswerGenerated):
		body = br.inferredAnswer(status)
	case b.Respond != nil:
		body = br.template(b.Respond)
	case b.Action == openapi.ActionList:
		body = br.atLeastMinItems(status, br.list, "")
	case b.Action == openapi.ActionDelete:
		body = br.beforeRecord()
	case br.afterPatch != nil:
		body = br.afterPatch // written as the record it stands for (jsonvalue.Overlay), without a copy
	default:
		body = br.after
	}
	if rp := br.ex.plan.lookup(status); status == http.StatusNoContent || b.Inferred && rp != nil && rp.media == nil {
		body = noBody // the documented answer has no content
	}
	var header http.Header // nil for the usual answer: the response stage adds nothing
	if br.materialised && br.waived != "" {
		header = http.Header{}
		header.Set(ReasonHeader, printable(br.waived, reasonLimit))
	}
	br.ex.res = result{status: status, header: header, body: body}
	br.ex.result = &br.ex.res
	return nil
}

// runTx runs the behaviour in tx, leaving its failure in br.fail. A transaction may run more than once: each run
// starts afresh.
func (br *behaviourRun) runTx(tx *state.Tx) error {
	br.tx = tx
	defer func() { br.tx = nil }()
	if br.fail = br.checkParent(); br.fail != nil {
		return errBehaviourFailed
	}
	if br.writes {
		br.fail = br.write()
	} else {
		br.fail = br.read()
	}
	if br.fail != nil {
		return errBehaviourFailed // nothing the transaction wrote is kept
	}
	return nil
}

// read runs a get or a list.
func (br *behaviourRun) read() *bFailure {
	switch br.b.Action {
	case openapi.ActionGet:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		br.after = br.beforeRecord()
		return nil
	case openapi.ActionList:
		if f := br.resolveRefs(); f != nil {
			return f
		}
		return br.runList()
	}
	return internal(fmt.Errorf("action %q reads nothing", br.b.Action))
}

// write runs a create, update or delete in br.tx.
func (br *behaviourRun) write() *bFailure {
	b := br.b
	var err error
	switch b.Action {
	case openapi.ActionCreate:
		rec, f := br.newRecord()
		if f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		br.apply(wholeRecord(rec))
		if f := br.nameCreated(rec); f != nil {
			return f
		}
		if f := br.assignKey(rec); f != nil {
			return f
		}
		br.fillRequired(rec)
		if br.b.Inferred {
			br.setScopeFields(rec) // before Put, which stores a copy: the record read later holds them too
		}
		br.after = rec
		if err = br.tx.Put(br.qcoll, br.key, rec); err != nil {
			return internal(err)
		}
		if f := br.forgetDeleted(); f != nil {
			return f
		}
		if d := br.settleTime(); d > 0 {
			if err = br.tx.Settle(br.qcoll, br.key, br.now.Add(d)); err != nil {
				return internal(err)
			}
		}
	case openapi.ActionUpdate:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		return br.writeFields(true)
	case openapi.ActionDelete:
		if f := br.find(); f != nil {
			return f
		}
		if f := br.resolveRefs(); f != nil {
			return f
		}
		if err = br.tx.Delete(br.qcoll, br.key); err != nil && !errors.Is(err, ErrNotFound) {
			return internal(err)
		}
		if f := br.markDeleted(); f != nil {
			return f
		}
	case openapi.ActionInvoke:
		return br.invoke()
	}
	return nil
}

// writeFields writes the fields an update or an item action (invoke) sets over the found record, with the
// update's labels. applyLabels and apply only set top-level fields, each to a value of its own; the record's
// nested maps and slices stay shared with the stored record, which is never modified. A few fields are stored
// over the record's base as they are (state.Tx.PutPatched): an update of two fields of a 30-field record does
// not copy the other 28.
func (br *behaviourRun) writeFields(labels bool) *bFailure {
	br.after, br.afterPatch = nil, nil // a transaction run again starts afresh
	p := br.beforeParts
	if p.Base == nil { // found by a scan, or materialised: stored whole
		p = state.Patched{Base: br.before}
	}
	base := p.Base
	// Room for the fields set before and those this update sets (most set fields already set before).
	w := &patchWrite{state.Patched{Base: base, Over: make([]state.Field, len(p.Over), len(p.Over)+len(br.b.Set)+1)}}
	copy(w.Over, p.Over) // the stored fields are never modified: this write has its own
	key, _ := w.get(br.coll.Key)
	if labels {
		if f := br.applyLabels(w); f != nil {
			return f
		}
	}
	br.apply(w)
	if v, _ := w.get(br.coll.Key); !sameKey(v, key) {
		w.set(br.coll.Key, key) // the key never changes
	}
	if len(w.Over) > jsonvalue.OverlayMax {
		rec := w.Map()
		br.after = rec
		// rec is this write's own copy (its values are shared with the record before, never modified), only
		// read from here on (the answer): the store takes it as it is
		if err := br.tx.PutOwned(br.qcoll, br.key, rec); err != nil {
			return internal(err)
		}
		return nil
	}
	text := p.Text
	if text == nil {
		text = new(state.BaseText) // the base's text, kept from its second answer on for every update over it
	}
	br.ex.patched = state.Patched{Base: base, Over: w.Over, Text: text}
	br.afterPatch = &br.ex.patched // the answer's body: no allocation of its own, as with ex.res
	if err := br.tx.PutPatched(br.qcoll, br.key, br.ex.patched); err != nil {
		return internal(err)
	}
	return nil
}

// sameKey reports whether a record's key field still holds the value it was found under (a key is a string or
// a number).
func sameKey(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

// beforeRecord is the record found, as one map (made from an update's parts when first asked for).
func (br *behaviourRun) beforeRecord() Record {
	if br.before == nil && br.beforeParts.Base != nil {
		br.before = br.beforeParts.Map()
	}
	return br.before
}

// afterRecord is the record written, as one map (made from an update's parts when first asked for).
func (br *behaviourRun) afterRecord() Record {
	if br.after == nil && br.afterPatch != nil {
		br.after = br.afterPatch.Map()
	}
	return br.after
}

// settleTime is how long a record created now answers queued: Config.Settle, else the collection's settle.
func (br *behaviourRun) settleTime() time.Duration {
	if br.coll.Settle == 0 {
		return 0
	}
	if br.s.cfg.Settle > 0 {
		return br.s.cfg.Settle
	}
	return br.coll.Settle
}

// readBody takes the decoded body from the validation stage, or reads and decodes it.
func (br *behaviourRun) readBody() error {
	ex := br.ex
	if ex.bodyValue != nil {
		br.body, br.hasBod = ex.bodyValue, true
		return nil
	}
	if ex.body == nil && br.r.Body != nil && br.r.Body != http.NoBody {
		data, err := io.ReadAll(io.LimitReader(br.r.Body, br.s.cfg.MaxBody))
		if err != nil {
			return err
		}
		ex.body = data
	}
	if len(strings.TrimSpace(string(ex.body))) == 0 {
		return nil
	}
	if ct := br.r.Header.Get("Content-Type"); ct != "" && !isJSONType(ct) {
		return nil // a body of another type decodes in the validation stage, or is not read as data
	}
	var v any
	if err := json.Unmarshal(ex.body, &v); err != nil {
		return err
	}
	ex.bodyValue = v
	br.body, br.hasBod = v, true
	return nil
}
