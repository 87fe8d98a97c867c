package mock

import (
	"container/list"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/standin/standin/mock/state"
)

// DefaultSession is the session of requests without an X-Standin-Session header.
const DefaultSession = "default"

// SessionHeader names the request header that selects a session.
const SessionHeader = "X-Standin-Session"

// session is one isolated namespace: its own state, fault rules and journal.
type session struct {
	name    string
	state   *state.Session // nil while the session is provisional (its request has not passed security yet)
	faults  *faultSet
	journal *journal
	ids     atomic.Value // string: the session's "ids" setting ("strict", "generate"; "" lets the server decide)
}

// idsSetting is the session's "ids" setting (PUT /__standin/settings): "strict", "generate" or "".
func (s *session) idsSetting() string {
	v, _ := s.ids.Load().(string)
	return v
}

// sessions is the registry of sessions. The state hub decides which sessions exist (it bounds them and evicts
// idle ones); this registry keeps each one's faults and journal beside its state.
type sessions struct {
	srv     *Server
	mu      sync.Mutex // guards byName, pending and pendingLRU
	byName  map[string]*session
	pending map[string]*list.Element // provisional sessions by name, in pendingLRU
	// pendingLRU holds the provisional sessions, most recently used first, at most maxPending: requests naming
	// a session that does not exist yet share one, so fault rules count across them before it is created.
	pendingLRU *list.List
}

// maxPending bounds the provisional sessions kept between requests.
const maxPending = 1024

func (s *Server) newSessions() (*sessions, error) {
	s.sessions = &sessions{srv: s, byName: map[string]*session{}, pending: map[string]*list.Element{}, pendingLRU: list.New()}
	if err := s.initState(); err != nil {
		return nil, err
	}
	if _, err := s.sessions.get(DefaultSession); err != nil {
		return nil, err
	}
	return s.sessions, nil
}

// get returns the named session, creating it from the seeded state on first use. It is for the admin API and
// start-up; a request holds its session with acquire.
func (ss *sessions) get(name string) (*session, error) {
	sess, release, err := ss.acquire(name)
	if err != nil {
		return nil, err
	}
	release()
	return sess, nil
}

// acquire returns the named session, created on first use, held until release is called.
func (ss *sessions) acquire(name string) (*session, func(), error) {
	if err := validSessionName(name); err != nil {
		return nil, nil, err
	}
	st, err := ss.srv.state.hub.Acquire(name)
	if err != nil {
		return nil, nil, fmt.Errorf("create session %q: %w", name, err)
	}
	return ss.register(st, nil), st.Release, nil
}

// acquireExisting holds the named session when it exists, without creating it; the caller releases the state
// it returns (a method value of it would be an allocation a request).
func (ss *sessions) acquireExisting(name string) (*session, *state.Session, bool) {
	st, ok := ss.srv.state.hub.AcquireExisting(name)
	if !ok {
		return nil, nil, false
	}
	return ss.register(st, nil), st, true
}

// provisional returns a session that is not registered: what a request naming a new session uses until it
// passes the security stage (adopt). Its journal is the default session's, so a refused request is still
// journalled, marked with the session it named.
func (ss *sessions) provisional(name string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if e, ok := ss.pending[name]; ok {
		ss.pendingLRU.MoveToFront(e)
		return e.Value.(*session)
	}
	sess := &session{name: name, faults: ss.srv.newFaultSet(name)}
	if def, ok := ss.byName[DefaultSession]; ok {
		sess.journal = def.journal
	} else {
		sess.journal = newJournal(ss.srv.cfg.JournalSize)
	}
	ss.pending[name] = ss.pendingLRU.PushFront(sess)
	for ss.pendingLRU.Len() > maxPending {
		old := ss.pendingLRU.Remove(ss.pendingLRU.Back()).(*session)
		delete(ss.pending, old.name)
	}
	return sess
}

// adopt creates the session of a provisional one and holds it; the provisional session's fault rule state is
// kept. When another request created the session meanwhile, that one is returned.
func (ss *sessions) adopt(p *session) (*session, func(), error) {
	st, err := ss.srv.state.hub.Acquire(p.name)
	if err != nil {
		return nil, nil, fmt.Errorf("create session %q: %w", p.name, err)
	}
	ss.mu.Lock()
	if e, ok := ss.pending[p.name]; ok && e.Value == p {
		ss.pendingLRU.Remove(e)
		delete(ss.pending, p.name)
	}
	ss.mu.Unlock()
	return ss.register(st, p), st.Release, nil
}

// register returns the registry's session for st, making it (from fresh, or from p) when st is new.
func (ss *sessions) register(st *state.Session, p *session) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if sess, ok := ss.byName[st.Name()]; ok && sess.state == st {
		return sess
	}
	sess := &session{name: st.Name(), faults: ss.srv.newFaultSet(st.Name()), journal: newJournal(ss.srv.cfg.JournalSize)}
	if p != nil {
		sess.faults = p.faults // the rule state the requests before it built up
	}
	sess.state = st
	ss.byName[st.Name()] = sess
	return sess
}

// evicted forgets the session of st, which the hub evicted.
func (ss *sessions) evicted(st *state.Session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if sess, ok := ss.byName[st.Name()]; ok && sess.state == st {
		delete(ss.byName, st.Name())
	}
	ss.srv.log.Info("session evicted", "session", st.Name())
}

// lookup returns the named session without creating it.
func (ss *sessions) lookup(name string) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess, ok := ss.byName[name]
	return sess, ok
}

// all returns the sessions sorted by name.
func (ss *sessions) all() []*session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	out := make([]*session, 0, len(ss.byName))
	for _, name := range slices.Sorted(maps.Keys(ss.byName)) {
		out = append(out, ss.byName[name])
	}
	return out
}

// tooMany reports the error of a session that could not be made because the cap is reached.
func tooMany(err error) bool { return errors.Is(err, state.ErrTooManySessions) }

// validSessionName accepts 1 to 64 letters, digits, '.', '_' or '-'.
func validSessionName(name string) error { return state.ValidName(name) }
