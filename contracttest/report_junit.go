package contracttest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JUnitReporter writes JUnit XML when the run ends: one testsuite for the API, one testcase per case (class
// name "<api>.<operationId>"), a failure element per failed case and a skipped element per skipped one. Cases
// are kept in a temporary file meanwhile, not in memory. It is not safe for concurrent use.
type JUnitReporter struct {
	w     io.Writer
	plan  *Plan
	cases spool
	// totals of the cases so far
	tests, failures, errors, skipped int
}

var _ Reporter = (*JUnitReporter)(nil)

// NewJUnitReporter writes the XML to w at End.
func NewJUnitReporter(w io.Writer) *JUnitReporter { return &JUnitReporter{w: w} }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func secs(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// abandon removes the temporary file of a run that stopped before its end.
func (j *JUnitReporter) abandon() { j.cases.close() }

// Begin records the plan.
func (j *JUnitReporter) Begin(p *Plan) { j.plan = p }

// Case stores the case's testcase element.
func (j *JUnitReporter) Case(r *Result) {
	api := ""
	if j.plan != nil {
		api = j.plan.API
	}
	c := junitCase{Name: strings.TrimPrefix(r.Case.ID, r.Case.Operation+"/"), ClassName: api + "." + r.Case.Operation, Time: secs(r.Duration)}
	j.tests++
	switch r.Outcome {
	case Fail:
		j.failures++
		var names, lines []string
		for _, ck := range r.Checks {
			if !ck.Passed {
				names = append(names, ck.Name)
				lines = append(lines, fmt.Sprintf("%s: want %s; got %s", ck.Name, ck.Want, ck.Got))
			}
		}
		for _, ex := range r.Exchanges {
			lines = append(lines, "request: "+ex.Request.Curl)
			if ex.Response != nil {
				lines = append(lines, fmt.Sprintf("response: %d %s", ex.Response.Status, strings.TrimSpace(ex.Response.Body)))
			} else {
				lines = append(lines, "response: none ("+ex.Error+")")
			}
		}
		c.Failure = &junitFailure{Message: strings.Join(names, ", ") + " failed", Type: strings.Join(names, ","), Text: strings.Join(lines, "\n")}
	case Skip:
		j.skipped++
		c.Skipped = &junitSkipped{Message: r.SkipReason}
	case Error:
		j.errors++
		c.Error = &junitFailure{Message: r.SkipReason, Type: "unreachable", Text: r.SkipReason}
	}
	var out []string
	if r.Retries > 0 {
		out = append(out, fmt.Sprintf("retried %d times after 429/449", r.Retries))
	}
	for _, ck := range r.Checks {
		if ck.Warning {
			out = append(out, fmt.Sprintf("spec gap (%s): want %s; got %s", ck.Name, ck.Want, ck.Got))
		}
	}
	for _, ex := range r.Exchanges {
		if ex.Redirect != "" {
			out = append(out, ex.Redirect)
		}
	}
	c.SystemOut = strings.Join(out, "\n")
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent(junitCaseIndent, "  ")
	if err := enc.Encode(c); err != nil {
		j.cases.err = err
		return
	}
	j.cases.sep = "\n"
	j.cases.add(r.Case.Operation, buf.Bytes())
}

// junitCaseIndent is the indentation of a testcase element.
const junitCaseIndent = "    "

// End writes the XML.
func (j *JUnitReporter) End(s Summary) error {
	defer j.cases.close()
	api := ""
	suite := junitSuite{Time: secs(s.Duration), Tests: j.tests, Failures: j.failures, Errors: j.errors, Skipped: j.skipped}
	if p := j.plan; p != nil {
		api = p.API
		suite.Properties = []junitProperty{
			{Name: "spec", Value: p.Spec}, {Name: "target", Value: p.Target},
			{Name: "seed", Value: fmt.Sprint(p.Seed)}, {Name: "standin", Value: fmt.Sprint(p.Standin)},
		}
	}
	suite.Name = api
	doc := junitSuites{Name: "standin test " + api, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteString("\n")
	if j.cases.f == nil && j.cases.err == nil {
		_, err := j.w.Write(buf.Bytes())
		return err
	}
	// The testcase elements go at the end of the one testsuite element.
	end := []byte("</testsuite>")
	i := bytes.LastIndex(buf.Bytes(), end)
	if i < 0 {
		return errors.New("report: no testsuite element in the JUnit report")
	}
	head, tail := buf.Bytes()[:i], buf.Bytes()[i:]
	closing := ""
	if trimmed := bytes.TrimSuffix(head, []byte("\n  ")); len(trimmed) < len(head) {
		head, closing = trimmed, "\n  "
	} else {
		closing = "\n  " // an empty testsuite element was written on one line
	}
	if _, err := fmt.Fprintf(j.w, "%s\n", head); err != nil {
		return err
	}
	if err := j.cases.writeTo(j.w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(j.w, "%s%s", closing, tail)
	return err
}
