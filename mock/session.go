package mock

import (
	"fmt"
	"slices"
	"sync"

	"github.com/standin/standin/mock/state"
)

// DefaultSession is the session of requests without an X-Standin-Session header.
const DefaultSession = "default"

// SessionHeader names the request header that selects a session.
const SessionHeader = "X-Standin-Session"

// session is one isolated namespace: its own state, fault rules and journal.
type session struct {
	name    string
	state   *state.Session
	faults  *faultSet
	journal *journal
}

// sessions creates sessions on first use and keeps them.
type sessions struct {
	srv    *Server
	mu     sync.Mutex // guards byName
	byName map[string]*session
}

func (s *Server) newSessions() (*sessions, error) {
	if err := s.initState(); err != nil {
		return nil, err
	}
	ss := &sessions{srv: s, byName: map[string]*session{}}
	if _, err := ss.get(DefaultSession); err != nil {
		return nil, err
	}
	return ss, nil
}

// get returns the named session, creating it from the seeded state on first use.
func (ss *sessions) get(name string) (*session, error) {
	if err := validSessionName(name); err != nil {
		return nil, err
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if sess, ok := ss.byName[name]; ok {
		return sess, nil
	}
	st, err := ss.srv.state.hub.Session(name)
	if err != nil {
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	sess := &session{
		name:    name,
		state:   st,
		faults:  ss.srv.newFaultSet(name),
		journal: newJournal(ss.srv.cfg.JournalSize),
	}
	ss.byName[name] = sess
	return sess, nil
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
	for _, sess := range ss.byName {
		out = append(out, sess)
	}
	slices.SortFunc(out, func(a, b *session) int {
		switch {
		case a.name < b.name:
			return -1
		case a.name > b.name:
			return 1
		}
		return 0
	})
	return out
}

// validSessionName accepts 1 to 64 letters, digits, '.', '_' or '-'.
func validSessionName(name string) error { return state.ValidName(name) }
