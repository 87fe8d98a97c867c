package openapi

import (
	"net/url"
	"strings"
)

// KeyCondition is one routing condition of a paths key: a query parameter or header the request must carry,
// and the value it must have when Valued.
type KeyCondition struct {
	Name, Value string
	Valued      bool
}

// SplitPathKey splits a paths key into its path template and the routing conditions some documents write after
// a '#' or '?' to tell apart operations that share a path (APIs.guru's AWS keys:
// /channels/{channelArn}#scope=app-instance-user-membership&app-instance-user-arn&x-amz-chime-bearer). The
// conditions are name or name=value pairs separated by '&' or '#', unescaped; a part that names no query
// parameter or header (mastercard's /send/#env/v1/partners/{partnerId}/transfer, a URL after the '#') is left
// out. The mock routes by them and standin test tells by them which operation a request addresses.
func SplitPathKey(key string) (path string, conds []KeyCondition) {
	i := strings.IndexAny(key, "#?")
	if i < 0 {
		return key, nil
	}
	for _, pair := range strings.FieldsFunc(key[i+1:], func(c rune) bool { return c == '&' || c == '#' }) {
		name, value, valued := strings.Cut(pair, "=")
		if name == "" || strings.ContainsAny(name, "/{} ") {
			continue
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		conds = append(conds, KeyCondition{Name: name, Value: value, Valued: valued})
	}
	return key[:i], conds
}
