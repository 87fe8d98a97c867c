package contracttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// JSONReporter writes the versioned JSON report (see the package comment) when the run ends. Cases are kept in
// a temporary file meanwhile, not in memory. It is not safe for concurrent use.
type JSONReporter struct {
	w     io.Writer
	plan  *Plan
	cases spool
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
	// TargetMS is the time the target took, OwnMS the runner's own (Summary.Own), CasesPerSecond the rate of
	// cases over the whole run.
	TargetMS       float64 `json:"targetMs"`
	OwnMS          float64 `json:"ownMs"`
	CasesPerSecond float64 `json:"casesPerSecond"`
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

// abandon removes the temporary file of a run that stopped before its end.
func (j *JSONReporter) abandon() { j.cases.close() }

// Begin records the plan.
func (j *JSONReporter) Begin(p *Plan) { j.plan = p }

// Case stores the case's entry.
func (j *JSONReporter) Case(r *Result) {
	c := jsonCase{ID: r.Case.ID, Operation: r.Case.Operation, Kind: r.Case.Kind, Name: r.Case.Name, Write: r.Case.Write,
		Outcome: r.Outcome, SkipReason: r.SkipReason, SkipCat: r.SkipCategory, Retries: r.Retries, DurationMS: ms(r.Duration),
		Checks: r.Checks, Exchanges: []jsonExchange{}}
	if c.Checks == nil {
		c.Checks = []CheckResult{}
	}
	for _, ex := range r.Exchanges {
		c.Exchanges = append(c.Exchanges, jsonExchange{ExchangeInfo: ex, DurationMS: ms(ex.Duration)})
	}
	b, err := json.MarshalIndent(c, jsonCaseIndent, "  ")
	if err != nil {
		j.cases.err = err
		return
	}
	j.cases.sep = ",\n" + jsonCaseIndent
	j.cases.add(r.Case.Operation, b)
}

// jsonCaseIndent is the indentation of an entry of "cases" in the report.
const jsonCaseIndent = "    "

// End writes the report.
func (j *JSONReporter) End(s Summary) error {
	defer j.cases.close()
	refused, valid := s.Refused()
	run, _ := s.CasesPerSecond()
	out := jsonReport{Version: ReportVersion, Summary: jsonSummary{Summary: s, WaitedMS: ms(s.Waited), Refused: refused, Valid: valid,
		TargetMS: ms(s.InTarget), OwnMS: ms(s.Own()), CasesPerSecond: run},
		DurationMS: ms(s.Duration), Cases: []jsonCase{}, CheckNames: CheckNames}
	if p := j.plan; p != nil {
		out.API, out.Spec, out.Target, out.Standin, out.Session, out.Seed, out.DryRun, out.Notes =
			p.API, p.Spec, p.Target, p.Standin, p.Session, p.Seed, p.DryRun, p.Notes
		if p.DryRun {
			out.Planned = p.Cases
		}
	}
	if out.Summary.Checks == nil {
		out.Summary.Checks = map[string]CheckCount{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	if j.cases.f == nil && j.cases.err == nil {
		_, err := j.w.Write(buf.Bytes())
		return err
	}
	// The report without its cases has "cases": [] at the top level (a string cannot hold an unescaped quote,
	// so the first match is the field); the spooled cases go in between.
	head, tail, ok := bytes.Cut(buf.Bytes(), []byte("\n  \"cases\": []"))
	if !ok {
		return errors.New("report: no cases field in the JSON report")
	}
	if _, err := fmt.Fprintf(j.w, "%s\n  \"cases\": [\n%s", head, jsonCaseIndent); err != nil {
		return err
	}
	if err := j.cases.writeTo(j.w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(j.w, "\n  ]%s", tail)
	return err
}
