package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"
)

// tlsFlags are serve's TLS settings: a certificate and key from files, or a self-signed certificate for the
// loopback names made at start.
type tlsFlags struct {
	cert, key  string
	selfSigned bool
}

func (f *tlsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cert, "tls-cert", "", "serve HTTPS (HTTP/2 and HTTP/1.1) with the PEM certificate (chain) in `FILE`; needs --tls-key")
	fs.StringVar(&f.key, "tls-key", "", "the PEM private key of --tls-cert, in `FILE`")
	fs.BoolVar(&f.selfSigned, "tls-self-signed", false, "serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1 made at start (its SHA-256 fingerprint is printed)")
}

// enabled reports whether HTTPS is asked for.
func (f *tlsFlags) enabled() bool { return f.selfSigned || f.cert != "" || f.key != "" }

// config builds the TLS configuration. For a self-signed certificate it also returns the line to print: the
// certificate's SHA-256 fingerprint and its public key's pin (curl --pinnedpubkey).
func (f *tlsFlags) config(now time.Time) (*tls.Config, string, error) {
	var (
		cert tls.Certificate
		info string
		err  error
	)
	switch {
	case f.selfSigned && (f.cert != "" || f.key != ""):
		return nil, "", usageError("--tls-self-signed makes its own certificate: give it without --tls-cert and --tls-key")
	case f.selfSigned:
		cert, err = selfSignedCert(now)
		if err != nil {
			return nil, "", fmt.Errorf("make a self-signed certificate: %w", err)
		}
		info = certInfo(cert.Leaf)
	case f.cert == "" || f.key == "":
		return nil, "", usageError("--tls-cert and --tls-key go together: give both PEM files (or use --tls-self-signed)")
	default:
		cert, err = tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, "", usageError(fmt.Sprintf("--tls-cert %s --tls-key %s: %v (expected a PEM certificate and its PEM private key)", f.cert, f.key, err))
		}
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}, info, nil
}

// selfSignedCert makes an ECDSA P-256 certificate valid for localhost, 127.0.0.1 and ::1 for 30 days from an
// hour ago. It is its own CA, so a client can trust exactly it.
func selfSignedCert(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "standin (self-signed, loopback)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// certInfo describes a certificate for the start lines: its SHA-256 fingerprint (colon-separated, as browsers
// and openssl show it) and the sha256// pin of its public key that curl's --pinnedpubkey takes.
func certInfo(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	hexSum := strings.ToUpper(hex.EncodeToString(sum[:]))
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(hexSum); i += 2 {
		parts = append(parts, hexSum[i:i+2])
	}
	pin := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return fmt.Sprintf("self-signed certificate for localhost, 127.0.0.1, ::1; SHA-256 fingerprint %s; curl --pinnedpubkey sha256//%s",
		strings.Join(parts, ":"), base64.StdEncoding.EncodeToString(pin[:]))
}
