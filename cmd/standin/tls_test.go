package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestServeTLSSelfSigned: --tls-self-signed serves HTTPS with a certificate for loopback made at start; the
// printed fingerprint is the served certificate's; a client trusting exactly that certificate talks HTTP/2 to
// it; CORS is on by default.
func TestServeTLSSelfSigned(t *testing.T) {
	lines, stop := serveRun(t, 3, "--api", "aelyst", "--addr", "127.0.0.1:0", "--tls-self-signed")
	require.Len(t, lines, 3, "start lines: %q", lines)
	require.Contains(t, lines[0], "https://127.0.0.1:")
	m := regexp.MustCompile(`SHA-256 fingerprint ([0-9A-F:]{95})`).FindStringSubmatch(lines[2])
	require.NotNil(t, m, "tls line: %q", lines[2])
	base := ""
	for _, f := range strings.Fields(lines[0]) {
		if strings.HasPrefix(f, "https://") {
			base = f
			break
		}
	}
	require.NotEmpty(t, base)

	// Fetch the certificate, check it against the printed fingerprint, then trust only it.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(strings.Split(base, "/aelyst")[0], "https://"),
		&tls.Config{InsecureSkipVerify: true}) //nolint:gosec // the certificate is checked by fingerprint below
	require.NoError(t, err)
	leaf := conn.ConnectionState().PeerCertificates[0]
	require.NoError(t, conn.Close())
	sum := sha256.Sum256(leaf.Raw)
	require.Equal(t, strings.ReplaceAll(m[1], ":", ""), strings.ToUpper(hex.EncodeToString(sum[:])))
	pool := x509.NewCertPool()
	pool.AddCert(leaf)

	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/contact/id:1", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Origin", "https://app.example.com")
	resp, err := client.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, "body: %s", body)
	require.Equal(t, 2, resp.ProtoMajor, "HTTP/2 over TLS")
	require.Equal(t, "https://app.example.com", resp.Header.Get("Access-Control-Allow-Origin"))

	err, _ = stop()
	require.NoError(t, err)
}

// TestServeTLSFiles: --tls-cert/--tls-key serve a certificate from files; --cors=false turns CORS off; bad
// combinations are usage errors.
func TestServeTLSFiles(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	cert, err := selfSignedCert(time.Now())
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))

	lines, stop := serveRun(t, 2, "--api", "aelyst", "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile, "--cors=false")
	require.Len(t, lines, 2)
	base := strings.Fields(lines[0])
	url := ""
	for _, f := range base {
		if strings.HasPrefix(f, "https://") {
			url = f
			break
		}
	}
	require.NotEmpty(t, url, "start line: %q", lines[0])
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/contact/id:1", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Origin", "https://app.example.com")
	resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "--cors=false")
	err, _ = stop()
	require.NoError(t, err)

	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	otherDER, err := x509.MarshalECPrivateKey(other)
	require.NoError(t, err)
	wrongKey := filepath.Join(dir, "other.pem")
	require.NoError(t, os.WriteFile(wrongKey, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: otherDER}), 0o600))

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"cert without key", []string{"--tls-cert", certFile}, "go together"},
		{"self-signed with files", []string{"--tls-self-signed", "--tls-cert", certFile, "--tls-key", keyFile}, "without --tls-cert"},
		{"key of another certificate", []string{"--tls-cert", certFile, "--tls-key", wrongKey}, "private key does not match"},
		{"missing file", []string{"--tls-cert", filepath.Join(dir, "nope.pem"), "--tls-key", keyFile}, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...), env{
				getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
			})
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			var ec interface{ ExitCode() int }
			require.ErrorAs(t, err, &ec)
			require.Equal(t, 2, ec.ExitCode())
		})
	}
}
