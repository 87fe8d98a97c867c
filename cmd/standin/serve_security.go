package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/standin/standin/mock"
)

// securityFlags are serve's flags about who may reach what (README "Security").
type securityFlags struct {
	admin        onOffFlag
	adminToken   string
	allowHosts   repeatFlag
	allowOrigins repeatFlag
	headerFaults autoFlag
	maxLatency   time.Duration
	writeTimeout time.Duration

	beyondLoopback bool // set by checkBind
}

func addSecurityFlags(fs *flag.FlagSet) *securityFlags {
	sf := &securityFlags{admin: "on", headerFaults: "auto"}
	fs.Var(&sf.admin, "admin", "serve the admin API under /__standin/: on or off (`on|off`)")
	fs.StringVar(&sf.adminToken, "admin-token", "", "require this bearer `TOKEN` on every admin call (prefer the "+mock.AdminTokenEnv+
		" environment variable: a flag shows in ps); required to listen beyond loopback")
	fs.Var(&sf.allowHosts, "allow-host", "also answer admin calls addressed to this host `NAME` (besides localhost and loopback addresses; repeatable)")
	fs.Var(&sf.allowOrigins, "allow-origin", "let browser pages from this `ORIGIN` (http://localhost:3000, or *) call the admin API (repeatable)")
	fs.Var(&sf.headerFaults, "header-faults", "honour the X-Standin-Fault and Prefer request headers: auto (on on loopback, off beyond), on or off (`auto|on|off`)")
	fs.DurationVar(&sf.maxLatency, "max-latency", mock.DefaultMaxLatency, "longest delay a fault may add (`duration`); longer latencies are refused")
	fs.DurationVar(&sf.writeTimeout, "write-timeout", mock.DefaultWriteTimeout, "time allowed to send one answer, from its first byte (`duration`); slower readers are dropped")
	return sf
}

// resolve fills the token from the environment and checks the values.
func (sf *securityFlags) resolve(getenv func(string) string) error {
	if sf.adminToken == "" && getenv != nil {
		sf.adminToken = strings.TrimSpace(getenv(mock.AdminTokenEnv))
	}
	if sf.adminToken != "" && len(sf.adminToken) < 12 {
		return usageError("--admin-token (or " + mock.AdminTokenEnv + ") is too short: use at least 12 characters, e.g. from `openssl rand -hex 16`")
	}
	if sf.maxLatency <= 0 {
		return usageError("--max-latency must be positive, e.g. 2m")
	}
	if sf.writeTimeout <= 0 {
		return usageError("--write-timeout must be positive, e.g. 30s")
	}
	return nil
}

// checkBind refuses an address beyond loopback when the admin API is on without a token. addr is host:port; a
// host name that is not an address is decided after listening, on the address it resolved to.
func (sf *securityFlags) checkBind(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil // net.Listen reports it
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if host != "" && ip == nil {
		return nil
	}
	if ip != nil && ip.IsLoopback() {
		return nil
	}
	sf.beyondLoopback = true
	if sf.admin == "on" && sf.adminToken == "" {
		where := host
		if where == "" || ip.IsUnspecified() {
			where = "every network interface"
		}
		return usageError(fmt.Sprintf("refusing to serve the admin API on %s (%s) without a token: anyone who can reach the port could reset state and inject faults.\n"+
			"set --admin-token (or %s), or pass --admin=off to serve the APIs only, or listen on 127.0.0.1", addr, where, mock.AdminTokenEnv))
	}
	return nil
}

func (sf *securityFlags) apply(cfg *mock.Config) {
	cfg.AdminOff = sf.admin == "off"
	cfg.AdminToken = sf.adminToken
	cfg.AllowHosts = sf.allowHosts
	cfg.AllowOrigins = sf.allowOrigins
	cfg.MaxLatency = sf.maxLatency
	cfg.WriteTimeout = sf.writeTimeout
	switch sf.headerFaults {
	case "off":
		cfg.IgnoreFaultHeaders = true
	case "auto":
		cfg.IgnoreFaultHeaders = sf.beyondLoopback
	}
}

// printExposure prints the admin line and, beyond loopback, where the server really listens and what it exposes.
func (sf *securityFlags) printExposure(w io.Writer, bound net.Addr, baseURL string) {
	switch {
	case sf.admin == "off":
		fmt.Fprintf(w, "%-10s off (--admin=off)\n", "admin")
	case sf.adminToken != "":
		fmt.Fprintf(w, "%-10s %s%s  (bearer token required)\n", "admin", baseURL, mock.AdminPrefix)
	default:
		fmt.Fprintf(w, "%-10s %s%s  (loopback only, no token)\n", "admin", baseURL, mock.AdminPrefix)
	}
	if sf.beyondLoopback {
		faults := "on (--header-faults=on)"
		if sf.headerFaults != "on" {
			faults = "off (--header-faults=on to allow)"
		}
		fmt.Fprintf(w, "%-10s %s: reachable from the network; X-Standin-Fault and Prefer headers %s\n", "listening", bound, faults)
	}
}

// onOffFlag is on or off.
type onOffFlag string

func (f *onOffFlag) String() string { return string(*f) }
func (f *onOffFlag) Set(v string) error {
	switch v {
	case "on", "off":
		*f = onOffFlag(v)
		return nil
	}
	return fmt.Errorf("%q: expected on or off", v)
}

// autoFlag is auto, on or off.
type autoFlag string

func (f *autoFlag) String() string { return string(*f) }
func (f *autoFlag) Set(v string) error {
	switch v {
	case "auto", "on", "off":
		*f = autoFlag(v)
		return nil
	}
	return fmt.Errorf("%q: expected auto, on or off", v)
}

var (
	_ flag.Value = (*onOffFlag)(nil)
	_ flag.Value = (*autoFlag)(nil)
)
