package openapi

// The bundled specs are written in YAML, which yaml.v3 parses at some 25 MB/s: a third of building the three
// bundled servers, paid at every `standin serve`. Each is therefore also embedded as its JSON twin
// (twin/NAME.json), the same document written as JSON in the same order, which Load reads instead: decoding
// it and, later, reading its key order for the examples take a third of the time (carecycle: 1.3 ms against
// 3.5 ms). TestBundledTwins fails when a twin no longer matches its YAML (then
// `go test ./openapi -run TestBundledTwins -update` rewrites it) and proves that both load to the same document.

// twinOf returns the JSON twin of a bundled spec; false when there is none.
func twinOf(name string) ([]byte, bool) {
	data, err := bundled.ReadFile("twin/" + name + ".json")
	return data, err == nil
}
