package state

// DeepCopyRecord copies a record and every map and slice inside it.
func DeepCopyRecord(r Record) Record {
	if r == nil {
		return nil
	}
	return DeepCopy(r).(map[string]any)
}

// DeepCopy copies a decoded JSON value: maps and slices are copied all the way down, []string becomes []any
// and integers become float64, as encoding/json would decode them.
func DeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = DeepCopy(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = DeepCopy(item)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}

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
