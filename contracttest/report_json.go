package contracttest

import (
	"encoding/json"
	"io"
)

// JSONReporter writes the versioned JSON report (see the package comment) when the run ends. It is not safe
// for concurrent use.
type JSONReporter struct {
	w io.Writer
	collector
}

var _ Reporter = (*JSONReporter)(nil)

// NewJSONReporter writes the report to w at End.
func NewJSONReporter(w io.Writer) *JSONReporter { return &JSONReporter{w: w} }

type jsonReport struct {
	Version    int         `json:"version"`
	API        string      `json:"api"`
	Spec       string      `json:"spec"`
	Target     string      `json:"target"`
	Standin    bool        `json:"standin"`
	Session    string      `json:"session,omitempty"`
	Seed       uint64      `json:"seed"`
	DryRun     bool        `json:"dryRun,omitempty"`
	Notes      []string    `json:"notes,omitempty"`
	Cases      []jsonCase  `json:"cases"`
	Summary    jsonSummary `json:"summary"`
	DurationMS float64     `json:"durationMs"`
	Planned    []*Case     `json:"planned,omitempty"`
	CheckNames []string    `json:"checkNames"`
}

type jsonSummary struct {
	Summary
	WaitedMS float64 `json:"waitedMs"`
	// Refused and Valid: how many requests that carried credentials were refused, out of how many.
	Refused int `json:"refused"`
	Valid   int `json:"valid"`
}

type jsonCase struct {
	ID         string         `json:"id"`
	Operation  string         `json:"operation"`
	Kind       Kind           `json:"kind"`
	Name       string         `json:"name"`
	Write      bool           `json:"write"`
	Outcome    Outcome        `json:"outcome"`
	SkipReason string         `json:"skipReason,omitempty"`
	SkipCat    string         `json:"skipCategory,omitempty"`
	Retries    int            `json:"retries,omitempty"`
	DurationMS float64        `json:"durationMs"`
	Checks     []CheckResult  `json:"checks"`
	Exchanges  []jsonExchange `json:"exchanges"`
}

type jsonExchange struct {
	ExchangeInfo
	DurationMS float64 `json:"durationMs"`
}

func ms(d interface{ Seconds() float64 }) float64 { return d.Seconds() * 1000 }

// End writes the report.
func (j *JSONReporter) End(s Summary) error {
	refused, valid := s.Refused()
	out := jsonReport{Version: ReportVersion, Summary: jsonSummary{Summary: s, WaitedMS: ms(s.Waited), Refused: refused, Valid: valid},
		DurationMS: ms(s.Duration), Cases: []jsonCase{}, CheckNames: CheckNames}
	if p := j.plan; p != nil {
		out.API, out.Spec, out.Target, out.Standin, out.Session, out.Seed, out.DryRun, out.Notes =
			p.API, p.Spec, p.Target, p.Standin, p.Session, p.Seed, p.DryRun, p.Notes
		if p.DryRun {
			out.Planned = p.Cases
		}
	}
	for _, r := range sortedResults(j.results) {
		c := jsonCase{ID: r.Case.ID, Operation: r.Case.Operation, Kind: r.Case.Kind, Name: r.Case.Name, Write: r.Case.Write,
			Outcome: r.Outcome, SkipReason: r.SkipReason, SkipCat: r.SkipCategory, Retries: r.Retries, DurationMS: ms(r.Duration),
			Checks: r.Checks, Exchanges: []jsonExchange{}}
		if c.Checks == nil {
			c.Checks = []CheckResult{}
		}
		for _, ex := range r.Exchanges {
			c.Exchanges = append(c.Exchanges, jsonExchange{ExchangeInfo: ex, DurationMS: ms(ex.Duration)})
		}
		out.Cases = append(out.Cases, c)
	}
	if out.Summary.Checks == nil {
		out.Summary.Checks = map[string]CheckCount{}
	}
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
