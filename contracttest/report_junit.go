package contracttest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnitReporter writes JUnit XML when the run ends: one testsuite for the API, one testcase per case (class
// name "<api>.<operationId>"), a failure element per failed case and a skipped element per skipped one. It is
// not safe for concurrent use.
type JUnitReporter struct {
	w io.Writer
	collector
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

// End writes the XML.
func (j *JUnitReporter) End(s Summary) error {
	api := ""
	suite := junitSuite{Time: secs(s.Duration)}
	if p := j.plan; p != nil {
		api = p.API
		suite.Properties = []junitProperty{
			{Name: "spec", Value: p.Spec}, {Name: "target", Value: p.Target},
			{Name: "seed", Value: fmt.Sprint(p.Seed)}, {Name: "standin", Value: fmt.Sprint(p.Standin)},
		}
	}
	suite.Name = api
	for _, r := range sortedResults(j.results) {
		c := junitCase{Name: strings.TrimPrefix(r.Case.ID, r.Case.Operation+"/"), ClassName: api + "." + r.Case.Operation, Time: secs(r.Duration)}
		suite.Tests++
		switch r.Outcome {
		case Fail:
			suite.Failures++
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
			suite.Skipped++
			c.Skipped = &junitSkipped{Message: r.SkipReason}
		case Error:
			suite.Errors++
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
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "standin test " + api, Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(j.w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(j.w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(j.w, "\n")
	return err
}
