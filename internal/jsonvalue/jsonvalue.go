// Package jsonvalue holds the helpers every package of standin needs for values as encoding/json decodes them
// into an any (map[string]any, []any, string, float64, bool, nil): a deep copy, the text of a value, and the
// sorted keys of a map. It uses the standard library only.
package jsonvalue

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Copy returns a deep copy of v: maps and slices are copied all the way down. []string becomes []any and
// integers become float64, as encoding/json would decode them; other values are returned as they are.
func Copy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return CopyMap(x)
	case *Overlay:
		if x == nil {
			return map[string]any(nil)
		}
		out := CopyMap(x.Base)
		if out == nil {
			out = make(map[string]any, len(x.Over))
		}
		for _, f := range x.Over {
			out[f.Key] = Copy(f.Value)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = Copy(item)
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

// CopyMap returns a deep copy of m (nil for nil).
func CopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, item := range m {
		out[k] = Copy(item)
	}
	return out
}

// Text renders a value for comparison and messages: a string as itself, a number in its shortest form without
// an exponent, null as "null", anything else as its JSON.
func Text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	}
	if data, err := json.Marshal(v); err == nil {
		return string(data)
	}
	return fmt.Sprint(v)
}

// SortedKeys returns the keys of m in ascending order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
