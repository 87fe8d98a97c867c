// Package fake generates realistic, schema-valid data from kin-openapi schemas.
//
// The mock uses it for response bodies and generated fixture records, and the contract
// runner for valid request bodies and parameters. A value always validates against its
// schema when the schema can be satisfied: (*openapi3.Schema).VisitJSON accepts it, also
// after a JSON round trip.
//
// # Determinism
//
// A Generator holds a run seed (Options.Seed; 0 means DefaultSeed, never "random").
// Every call takes a key, such as "carecycle/assignInquiry/200" or "cinnox/enquiries/7",
// and builds its own faker from the seed and the key's 64-bit FNV-1a hash:
//
//	gofakeit.NewFaker(rand.NewPCG(seed, fnv64a(key)), false)
//
// Each property and array item gets its own faker, seeded from the hash extended with its
// path below the root (property names and item indexes), so a value depends only on the
// seed, the key, the schema and the UTC day of Options.Now: never on call order or
// goroutines, and adding a property to a schema does not change the values of the
// others. The package-level gofakeit functions are never used.
//
// # Requests and responses
//
// Use Generate with Hint{Direction: Response} for response bodies (writeOnly properties
// are left out, as openapi3filter.ValidateResponse requires) and Direction: Request for
// request bodies (readOnly properties are left out). Hint.Name names a root value such as
// a query parameter, so "limit" gets 10..100 and "startAt" a recent date-time.
//
// # OpenAPI 3.1
//
// For a schema of an OpenAPI 3.1 document set Hint.OpenAPI31 (doc.IsOpenAPI31OrLater()).
// Generate then checks values as openapi3filter does for such documents: VisitJSON with
// openapi3.EnableJSONSchema2020, kin-openapi's JSON Schema 2020-12 validator. There
// nullable means nothing (only a "null" type allows null), and readOnly/writeOnly are
// mere annotations, so required ones are kept in either direction. A schema that uses a
// keyword the 3.0 validator ignores (const, prefixItems, contains, patternProperties,
// propertyNames, dependentRequired, dependentSchemas, unevaluatedItems/Properties,
// if/then/else, contentSchema) is checked that way even without the hint.
//
// 3.1 keywords honoured: type lists (a non-null type is preferred), const, examples (as a
// source, like example), numeric exclusiveMinimum/exclusiveMaximum, prefixItems with
// items for the rest and "items: false", contains with minContains/maxContains,
// patternProperties (one property per pattern, named from the pattern, and every
// property meets all patterns its name matches), propertyNames (names made to fit a
// pattern or length), dependentRequired, dependentSchemas, unevaluatedItems and
// unevaluatedProperties (as items and additionalProperties when those are absent),
// if/then/else (either "if" and "then", or "not if" and "else", each checked),
// contentSchema with a JSON contentMediaType (the string is JSON text of a value for
// it), boolean schemas (true and false), and keywords next to $ref (kin-openapi's
// loader turns them into an allOf member, which is merged like any other).
//
// # Values
//
// Values use the types encoding/json decodes into: map[string]any, []any, string,
// float64 (integers too: they stay exact up to 2^53, and generated integers are small),
// bool and nil. So json.Unmarshal(json.Marshal(v)) gives back a value equal to v.
//
// # What is honoured
//
// type (3.0, and 3.1 type arrays), format (uuid, date-time, date, time, email, uri/url,
// hostname, ipv4, ipv6, byte, password, int32, int64, float, double), pattern (through
// gofakeit's regex generator, verified with Go's regexp; a pattern a v4 uuid matches gets
// a v4 uuid; when gofakeit keeps missing minLength/maxLength, a length-aware walk of the
// parsed pattern), enum, const, minimum/maximum (3.0 boolean and 3.1 numeric exclusive
// bounds), multipleOf, minLength/maxLength, minItems/maxItems, uniqueItems,
// minProperties/maxProperties, required, additionalProperties, nullable, oneOf (a branch
// that matches and matches no other), anyOf, allOf (merged), not, discriminator and $ref
// (resolved by kin-openapi). Strings with none of these get a realistic value for their
// property name (see below), else a word or two. A string schema's example or default is
// used now and then when nothing more specific applies.
//
// Null is generated only when the schema allows nothing else, or at the recursion limit.
// Optional properties are included with Options.OptionalProbability (default: all).
// Huge ranges such as ±9007199254740991 give small realistic numbers within the range.
// readOnly properties are left out for Request hints, writeOnly ones for Response hints.
//
// # Realistic values by name
//
// A small table (names.go) maps property names, split into words at camelCase and
// snake_case boundaries, to producers: firstName, lastName, name (a person, or a thing
// inside labels, campaigns, ...), email, phone (E.164, like +60121233112), city,
// country and countryCode (ISO 3166-1 alpha-2), language (ISO 639-1), ip, url/link/
// deepLink, profilePic (https image URL), ids (uuid when the format or pattern asks for
// one, else a 24-hex object id; integers 1..100000), createdAt/updatedAt/*At (RFC 3339
// date-time in the 30 days before Now; Unix seconds for integers; start/created names
// fall before end/updated ones), message/description/notes (a sentence), status, tags,
// color, template, and ranges for page, limit, offset, count, duration, hour, minute and
// more. A proposal is always checked against the schema and dropped when it does not fit.
//
// # Recursion
//
// Past Options.MaxDepth nested objects/arrays, or when a schema appears for the third
// time on the path, only the minimal valid value is built: null where allowed, required
// properties only, minItems items.
package fake
