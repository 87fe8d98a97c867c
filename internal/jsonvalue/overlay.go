package jsonvalue

// Overlay is an object made of Base with the fields of Over set over it: a key in Over replaces Base's value,
// a key only in Over is added. Neither Base nor Over is modified through it, and whoever holds one must not
// modify them either: an Overlay stands for a stored record updated in a few fields, which shares its Base
// with the version before and with every reader of it. Append writes it as the object it stands for (the same
// bytes as for Map's result); Copy copies it into a map.
type Overlay struct {
	Base map[string]any
	Over []Field // each key once
}

// Field is one member of an object.
type Field struct {
	Key   string
	Value any
}

// OverlayMax is the most fields an Overlay should hold over its Base: past it, finding a key in Over costs more
// than a map lookup, and the object is better made whole.
const OverlayMax = 8

// Get returns the value of key.
func (o *Overlay) Get(key string) (any, bool) {
	if v, ok := overGet(o.Over, key); ok {
		return v, true
	}
	v, ok := o.Base[key]
	return v, ok
}

// Len is the number of keys of the object.
func (o *Overlay) Len() int {
	n := len(o.Base)
	for _, f := range o.Over {
		if _, ok := o.Base[f.Key]; !ok {
			n++
		}
	}
	return n
}

// Map returns the object as a new map (a shallow copy: the values are shared).
func (o *Overlay) Map() map[string]any {
	m := make(map[string]any, len(o.Base)+len(o.Over))
	for k, v := range o.Base {
		m[k] = v
	}
	for _, f := range o.Over {
		m[f.Key] = f.Value
	}
	return m
}

// MarshalJSON writes the object, for encoding/json.
func (o *Overlay) MarshalJSON() ([]byte, error) { return Append(nil, o.Map()) }

// overGet finds key in over.
func overGet(over []Field, key string) (any, bool) {
	for i := range over {
		if over[i].Key == key {
			return over[i].Value, true
		}
	}
	return nil, false
}
