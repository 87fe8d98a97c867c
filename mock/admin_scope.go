package mock

import (
	"fmt"
	"net/http"
	"strconv"
)

// adminScope is whom an admin call is about: one session (the caller's) or, explicitly, every session.
//
// Sessions are boundaries: a per-session call (state, journal, reset, snapshots, session faults and scenarios)
// acts on the caller's session only, named by the X-Standin-Session header or ?session= (the default session when
// neither is given); naming two different sessions is refused. A cross-session operation (reset every session,
// read or clear every journal, list every snapshot, restore or delete a snapshot another session saved) must say
// so with ?all=true, and cannot be combined with a session. With an admin token set, every admin call needs it,
// cross-session ones included.
type adminScope struct {
	session string // the caller's session; DefaultSession when none was named
	named   bool   // the caller named a session (header or query)
	all     bool   // ?all=true
}

// errScope is a scope the request states in two contradictory ways.
type errScope struct{ msg string }

func (e *errScope) Error() string { return e.msg }

// scopeOf reads the scope of an admin request.
func scopeOf(r *http.Request) (adminScope, error) {
	q := r.URL.Query()
	fromQuery, fromHeader := q.Get("session"), r.Header.Get(SessionHeader)
	if fromQuery != "" && fromHeader != "" && fromQuery != fromHeader {
		return adminScope{}, &errScope{fmt.Sprintf("?session=%s and %s: %s name two sessions; an admin call acts on one session (or on all with ?all=true)",
			printable(fromQuery, 64), SessionHeader, printable(fromHeader, 64))}
	}
	sc := adminScope{session: fromQuery, named: true}
	if sc.session == "" {
		sc.session = fromHeader
	}
	if sc.session == "" {
		sc.session, sc.named = DefaultSession, false
	}
	if v := q.Get("all"); v != "" {
		all, err := strconv.ParseBool(v)
		if err != nil {
			return adminScope{}, &errScope{fmt.Sprintf("?all=%s: expected true or false", printable(v, 16))}
		}
		sc.all = all
	}
	if sc.all && sc.named {
		return adminScope{}, &errScope{"?all=true acts on every session: drop ?session= and the " + SessionHeader + " header, or drop ?all=true"}
	}
	if err := validSessionName(sc.session); err != nil {
		return adminScope{}, &errScope{"bad session: " + err.Error()}
	}
	return sc, nil
}

// scopeOrFail is scopeOf answering 400 itself; ok is false when it did.
func scopeOrFail(w http.ResponseWriter, r *http.Request) (adminScope, bool) {
	sc, err := scopeOf(r)
	if err != nil {
		adminError(w, http.StatusBadRequest, "%v", err)
		return sc, false
	}
	return sc, true
}
