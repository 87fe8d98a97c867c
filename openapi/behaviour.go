package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// collectionsKey is the root extension that declares the collections of records an API keeps.
const collectionsKey = "x-standin-collections"

// Collection is a named set of records an API keeps in the mock's state (fixtures/<api>/<name>.json). It is
// read-only after loading and safe for concurrent use.
type Collection struct {
	// Name is the collection's name ("inquiries").
	Name string
	// Key is the record field that identifies a record ("id" unless declared).
	Key string
	// SchemaName is the component schema of a record ("Inquiry"); empty for an inferred collection whose schema
	// is inline.
	SchemaName string
	// Schema is the record schema; fixtures, generated records and admin writes are checked against it.
	Schema *openapi3.SchemaRef
	// IDs says how a create makes a new key: "uuid" or "sequence" (the largest integer key plus one).
	IDs string
	// Settle is how long a newly created record answers the queued error on every call that looks it up
	// (0: never). The server's Config.Settle, when set, replaces it.
	Settle time.Duration
	// Inferred is true when the collection was inferred from paths rather than declared.
	Inferred bool
	// Template is the path template of an inferred collection ("/v1/checkout/sessions"); empty when declared.
	Template string

	// schemaOpts are the options validating a record needs (JSON Schema 2020-12 in an OpenAPI 3.1 document).
	schemaOpts []openapi3.SchemaValidationOption
}

// Fields returns the property names a record of the collection may have.
func (c *Collection) Fields() []string { return slices.Sorted(maps.Keys(properties(c.Schema))) }

// Action is what a behaviour does with its collection.
type Action string

// The actions of a behaviour.
const (
	ActionGet    Action = "get"    // find one record and answer it
	ActionList   Action = "list"   // filter, sort and page the collection
	ActionCreate Action = "create" // store a new record
	ActionUpdate Action = "update" // change a found record
	ActionDelete Action = "delete" // remove a found record
	// ActionInvoke is an item action (POST /invoices/{id}/void): find the record, set what Set says, answer the
	// record or the operation's own response. Only inference makes it; x-standin blocks cannot name it.
	ActionInvoke Action = "invoke"
)

// Behaviour is an operation's x-standin block, parsed and checked against the document. Values it reads are
// Exprs: "$path.x", "$query.x", "$body.a.b", "$header.x", "$now", "$nowUnix", "$clientId", "$userId", "$ref.NAME[.f]",
// "$before[.f]", "$after[.f]", "$record[.f]", "$list", "$total", "$labels.missing|added|all", or a literal.
// README.md (section "State") documents the vocabulary. A Behaviour is read-only after loading and safe for concurrent use.
type Behaviour struct {
	// Resource names the collection (a key of API.Collections).
	Resource string
	// Action is what the operation does; inferred from the method when not written.
	Action Action
	// Lookup finds the one record whose fields equal the values (several fields make a compound key).
	Lookup []Match
	// Identifier finds the record by a typed identifier ("email:a@b.c") instead of Lookup.
	Identifier *Identifier
	// Require lists rules on the request, checked in order before anything else.
	Require []Rule
	// Refs lists references to records of other collections that must exist.
	Refs []Ref
	// Defaults are fields a created record gets when the body does not give them.
	Defaults map[string]any
	// Merge copies the request body's fields that the record schema knows into the record (create, update).
	Merge bool
	// Set assigns fields after Merge, in order.
	Set []Assign
	// Labels adds a set of ids to an array field (labelled-set semantics).
	Labels *Labels
	// Filter keeps the records of a list that meet every condition.
	Filter []Filter
	// Sort orders a list by a field; Desc reverses it. Empty keeps insertion order.
	Sort     string
	SortDesc bool
	// Page takes a window of a list.
	Page *Page
	// Missing is the error answered when Lookup or Identifier finds nothing (default: the notFound kind).
	Missing Missing
	// Status is the success status (0: the operation's lowest documented 2xx).
	Status int
	// Respond is the response body template; nil answers the record ($after, $before for delete) or $list.
	Respond any
	// Inferred is true when the behaviour was inferred from method and path (the operation has no x-standin).
	Inferred bool

	// The fields below are set by inference only.

	// Scope lists the path parameters that name the enclosing records (owner and repo in
	// /repos/{owner}/{repo}/issues/{number}): a record belongs to the records they name, and lookups and lists
	// see only the records of the request's scope.
	Scope []string
	// Materialise makes a lookup of a key never written answer a record generated for that key, stored so that
	// later reads agree, instead of notFound; a deleted key stays not found. The API's x-standin "ids: strict",
	// the server's strict-ids setting and the X-Standin-Ids: strict header turn it off.
	Materialise bool
	// ListField is the array property of a list response's envelope ("data" in {object, data, has_more}); the
	// rest of the envelope is the operation's documented response. Empty when the list is the body.
	ListField string
	// Parent is the record the Scope's last parameter names (the issue of /issues/{issue_number}/labels), when
	// standin keeps that record too: with strict ids, a request under a parent that does not exist is not found.
	Parent *Parent
	// Nested maps a body field that the record holds one level down to the record property holding it
	// (Azure's PATCH {"displayName": …} is the record's properties.displayName): a merge writes it there.
	Nested map[string]string
	// AnswerGenerated answers the operation's own documented response (example or generated data) with the
	// record's key copied in, rather than the record: the response is not the record (a deleted marker, an
	// action's result).
	AnswerGenerated bool
	// KeyFrom says where a create finds its new record's id other than the body: a query parameter, and for a
	// Google resource name the parent it is made under (POST /v1/{parent}/urlLists?urlListId=u1 creates the
	// record named "<parent>/urlLists/u1"). nil: the body's key field, else a new id.
	KeyFrom *KeyFrom
	// Operation is set when a write answers a long-running operation about the record rather than the record
	// (Google's {name, done, metadata, response, error}): the answer is the operation's documented response,
	// finished, and none of the record's fields are copied into it. Set with AnswerGenerated.
	Operation *LongRunning
}

// KeyFrom is where an inferred create finds the id of the record it makes.
type KeyFrom struct {
	// Query is the query parameter holding the new record's id ("urlListId"); "" when the operation has none.
	Query string
	// Parent and Segment make the key a resource name, <the Parent parameter's value>/<Segment>/<id>
	// ("projects/p/locations/l" + "urlLists" + "u1"); both empty when the key is the id alone.
	Parent, Segment string
}

// LongRunning describes the operation a write answers in place of the record. The write is applied at once,
// so the answer is the operation finished: Done true, Response holding the record (an empty object for a
// delete), Error left out.
type LongRunning struct {
	Done     string // the boolean field that says the operation finished ("done"); "" when it has none
	Response string // the object field that carries the result ("response"); "" when it has none
	Error    string // the field that carries a failure ("error"); "" when it has none
	// TypeURL is the "@type" the result gets when the operation's schema asks for one (Google's Any:
	// "type.googleapis.com/UrlList", "type.googleapis.com/google.protobuf.Empty" for a delete); "" otherwise.
	TypeURL string
}

// Parent locates the record a nested collection belongs to: its collection, the path parameter holding its
// key, and the parameters of its own scope.
type Parent struct {
	Resource string
	Param    string
	Scope    []string
}

// Expr is a value source: a string starting with '$' names a value of the request or the state; anything else
// is a literal.
type Expr struct {
	Ref     string // "$body.status"; empty for a literal
	Literal any
}

// IsLiteral reports whether the expression is a literal value.
func (e Expr) IsLiteral() bool { return e.Ref == "" }

// Root returns the first part of a reference ("body" for "$body.a.b").
func (e Expr) Root() string {
	r, _, _ := strings.Cut(strings.TrimPrefix(e.Ref, "$"), ".")
	return r
}

// Path returns the parts after the root ("a", "b" for "$body.a.b").
func (e Expr) Path() []string {
	_, rest, ok := strings.Cut(strings.TrimPrefix(e.Ref, "$"), ".")
	if !ok || rest == "" {
		return nil
	}
	return strings.Split(rest, ".")
}

func (e Expr) String() string {
	if e.Ref != "" {
		return e.Ref
	}
	return fmt.Sprint(e.Literal)
}

// Match is one field of a lookup key.
type Match struct {
	Field string
	Value Expr
}

// Identifier resolves a typed identifier such as "id:123", "email:a@b.c" or "phone:+60121233112".
type Identifier struct {
	From  Expr              // where the identifier is read ("$path.identifier")
	Forms map[string]string // prefix -> record field ("email" -> "email")
}

// Rule is one check of a require list. A failed rule answers the API's validation error, naming the rule.
type Rule struct {
	Name    string // the rule's name, reported as the failure's code unless Code is set
	Code    string // the failure's code as the vendor names it ("custom"); empty means Name
	Value   Expr
	In      []any // the value must be one of these
	After   *Expr // the value (a time or a number) must not be before this one
	Message string
}

// Ref is a reference to a record of another collection that must exist.
type Ref struct {
	Name     string   // the found record is $ref.<Name>
	Value    Expr     // the referencing value; null skips the check and makes $ref.<Name> null
	Resource string   // the referenced collection
	Match    []string // fields of the referenced record compared with the value, in order
	Missing  string   // the error kind answered when nothing matches ("notFound" or "validation")
	Message  string   // message of that error; empty keeps the API's default
}

// Assign sets one field.
type Assign struct {
	Field string
	Value Expr
	// Map translates the value ("close" -> "closed"); a value it does not list is kept.
	Map map[string]any
}

// Missing is the error kind (and message) answered for a record that is not found.
type Missing struct {
	Kind    string // an error kind of the root x-standin errors ("notFound", "validation")
	Message string // empty keeps the kind's default message
}

// Labels describes labelled-set semantics: ids from the request are added to an array field when they exist in
// another collection; the others are reported as missing ($labels.missing).
type Labels struct {
	Field    string // the record's array field ("labelIDs")
	From     Expr   // the requested ids ("$body.labelIds")
	Resource string // the collection the ids must exist in
	Replace  bool   // replace the set instead of adding to it
}

// Filter is one condition of a list. Conditions whose value is absent from the request are skipped.
type Filter struct {
	Field    string
	Equals   *Expr // the field equals the value
	AnyOf    *Expr // the field (or one of its items) is one of the values
	From     *Expr // the field (a time or a number) is at or after the value
	To       *Expr // the field is at or before the value
	Contains *Expr // the field contains the value as a substring, ignoring case
}

// Page takes a window of a list; absent values take the parameter's default.
type Page struct {
	Offset *Expr
	Limit  *Expr
	// Number is a page number (page=2), counted from NumberBase (1 unless the parameter allows 0); the window
	// starts at (Number-NumberBase)*Limit. Set by inference only.
	Number     *Expr
	NumberBase int
	// After and Before are cursors naming a record's key (Stripe's starting_after and ending_before): the list
	// continues after, or ends before, that record. Set by inference only.
	After, Before *Expr
}
