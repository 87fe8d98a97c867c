package openapi

import "net/http"

// ErrorKind is one kind of error answer standin gives: what it is for, which status it takes when the API says
// nothing about it, and whether a root x-standin errors block may declare the vendor's shape for it. The table
// errorKindTable is the one place these facts are written; everything else (the errors block's keys, the
// mock's plain fallback body, the statuses an answer may fall back to, the shape a fault's status=N borrows)
// is derived from it.
type ErrorKind struct {
	// Name is the kind as the errors block and behaviour's missing.kind spell it ("notFound").
	Name string
	// Purpose says when standin answers with this kind, for error messages and documentation.
	Purpose string
	// Status is the kind's usual status: the status of standin's plain fallback body when neither the API
	// declares a shape for the kind nor the operation documents a fitting status. It is Prefer[0].
	Status int
	// Message is the default message of the plain fallback body.
	Message string
	// Prefer lists, best first, the statuses an answer for this kind may take from what the operation
	// documents when the API declares no shape for it.
	Prefer []int
	// Fallback names the kind that answers instead when the API declares no shape for this kind and the operation
	// documents none of Prefer exactly or by a range ("4XX"; a "default" response does not count): a duplicate
	// key (conflict) is then answered as a validation failure is, as Stripe answers 400 resource_already_exists.
	// It applies only when the fallback kind's answer is itself declared or documented. Empty for most kinds.
	Fallback string
	// Declarable reports whether a root x-standin errors block may declare a shape for the kind.
	Declarable bool
	// ForFaultStatus reports whether a fault rule's status=N answer borrows the kind's declared shape when that
	// shape's status is N. Kinds are tried in table order; routeNotFound is left out (it borrows notFound's
	// shape, which comes first).
	ForFaultStatus bool
}

// errorKindTable holds every error kind, in the order a fault's status=N tries their declared shapes.
var errorKindTable = []ErrorKind{
	{Name: "validation", Purpose: "a request that fails schema validation; every failure is collected",
		Status: http.StatusBadRequest, Message: "Request validation failed",
		Prefer: []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, Declarable: true, ForFaultStatus: true},
	{Name: "unauthorized", Purpose: "missing or invalid credentials",
		Status: http.StatusUnauthorized, Message: "Missing or invalid credentials",
		Prefer: []int{http.StatusUnauthorized, http.StatusForbidden}, Declarable: true, ForFaultStatus: true},
	{Name: "forbidden", Purpose: "credentials that lack permission",
		Status: http.StatusForbidden, Message: "Credentials lack permission",
		Prefer: []int{http.StatusForbidden}, Declarable: true, ForFaultStatus: true},
	{Name: "notFound", Purpose: "a record the request names does not exist",
		Status: http.StatusNotFound, Message: "Not found",
		Prefer: []int{http.StatusNotFound}, Declarable: true, ForFaultStatus: true},
	{Name: "conflict", Purpose: "a create names a key or identifier that a record already has",
		Status: http.StatusConflict, Message: "A record with this key already exists",
		Prefer: []int{http.StatusConflict}, Fallback: "validation", Declarable: true, ForFaultStatus: true},
	{Name: "rateLimited", Purpose: "the rate limit is exceeded",
		Status: http.StatusTooManyRequests, Message: "Too many requests",
		Prefer: []int{http.StatusTooManyRequests}, Declarable: true, ForFaultStatus: true},
	{Name: "queued", Purpose: "the request is accepted into a queue and must be retried later",
		Status: 449, Message: "The request is queued; retry later",
		Prefer: []int{449}, Declarable: true, ForFaultStatus: true},
	{Name: "internal", Purpose: "an unexpected server error",
		Status: http.StatusInternalServerError, Message: "Internal server error",
		Prefer: []int{http.StatusInternalServerError}, Declarable: true, ForFaultStatus: true},
	{Name: "malformed", Purpose: "a request body that is not valid JSON",
		Status: http.StatusBadRequest, Message: "Malformed JSON in request body",
		Prefer: []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, Declarable: true, ForFaultStatus: true},
	{Name: "tooLarge", Purpose: "the request body exceeds the size limit",
		Status: http.StatusRequestEntityTooLarge, Message: "Request body too large",
		Prefer: []int{http.StatusRequestEntityTooLarge}, Declarable: true, ForFaultStatus: true},
	{Name: "methodNotAllowed", Purpose: "the path exists but not with this method",
		Status: http.StatusMethodNotAllowed, Message: "Method not allowed on this path",
		Prefer: []int{http.StatusMethodNotAllowed}, Declarable: true, ForFaultStatus: true},
	{Name: "routeNotFound", Purpose: "no operation matches the path (defaults to notFound)",
		Status: http.StatusNotFound, Message: "No operation matches this path",
		Prefer: []int{http.StatusNotFound}, Declarable: true},
	{Name: "notAcceptable", Purpose: "none of the media types the request's Accept asks for is offered",
		Status: http.StatusNotAcceptable, Message: "None of the media types Accept asks for is offered",
		Prefer: []int{http.StatusNotAcceptable}},
	{Name: "unsupportedMediaType", Purpose: "the request body's media type is not one the operation accepts",
		Status: http.StatusUnsupportedMediaType, Message: "The request body's media type is not accepted",
		Prefer: []int{http.StatusUnsupportedMediaType}},
}

// errorKindByName indexes errorKindTable.
var errorKindByName = func() map[string]ErrorKind {
	m := make(map[string]ErrorKind, len(errorKindTable))
	for _, k := range errorKindTable {
		m[k.Name] = k
	}
	return m
}()

// AllErrorKinds returns every error kind, in table order (the order a fault's status=N tries declared shapes).
// The slice is a copy; its Prefer slices are shared and must not be changed.
func AllErrorKinds() []ErrorKind {
	return append([]ErrorKind(nil), errorKindTable...)
}

// LookupErrorKind returns the error kind called name; the zero ErrorKind and false when there is none.
func LookupErrorKind(name string) (ErrorKind, bool) {
	k, ok := errorKindByName[name]
	return k, ok
}

// ErrorKinds maps the error kinds a root x-standin errors block may declare (the Declarable ones) to what each
// is for. It is derived from the error kind table.
var ErrorKinds = func() map[string]string {
	m := map[string]string{}
	for _, k := range errorKindTable {
		if k.Declarable {
			m[k.Name] = k.Purpose
		}
	}
	return m
}()
