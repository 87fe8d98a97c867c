package fake

import "github.com/getkin/kin-openapi/openapi3"

// sample returns the value the schema itself offers, as Prism uses it: its example, else the first of its
// examples (3.1), else its default, as long as the whole schema accepts it in the cursor's direction. Inside an
// array only the first item takes it, so the other items of a list still differ (distinct ids, uniqueItems).
func (c *cursor) sample(s *openapi3.Schema) (any, bool) {
	if c.varied {
		return nil, false
	}
	candidates := make([]any, 0, 3)
	if s.Example != nil {
		candidates = append(candidates, s.Example)
	}
	if len(s.Examples) > 0 && s.Examples[0] != nil {
		candidates = append(candidates, s.Examples[0])
	}
	if s.Default != nil {
		candidates = append(candidates, s.Default)
	}
	for _, v := range candidates {
		v = normalize(v)
		if s.VisitJSON(v, c.vopts...) == nil {
			return v, true
		}
	}
	return nil, false
}
