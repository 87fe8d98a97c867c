package state

import "github.com/standin/standin/internal/jsonvalue"

// DeepCopyRecord copies a record and every map and slice inside it.
func DeepCopyRecord(r Record) Record { return jsonvalue.CopyMap(r) }

// DeepCopy copies a decoded JSON value (jsonvalue.Copy).
func DeepCopy(v any) any { return jsonvalue.Copy(v) }

// CopyState returns a deep copy of st.
func CopyState(st State) State {
	out := make(State, len(st))
	for name, entries := range st {
		cp := make([]Entry, len(entries))
		for i, e := range entries {
			cp[i] = Entry{Key: e.Key, Record: DeepCopyRecord(e.Record)}
		}
		out[name] = cp
	}
	return out
}
