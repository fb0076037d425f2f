package qfpay

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// SignType is the digest QFPay signatures use.
type SignType int

const (
	// MD5 is QFPay's default signature digest.
	MD5 SignType = iota
	// SHA256 is sent with the header X-QF-SIGNTYPE: SHA256.
	SHA256
)

// String returns the name used in the X-QF-SIGNTYPE header and in the configuration.
func (t SignType) String() string {
	if t == SHA256 {
		return "SHA256"
	}
	return "MD5"
}

// ParseSignType accepts "MD5" or "SHA256" (any case); the empty string means MD5.
func ParseSignType(s string) (SignType, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "MD5":
		return MD5, nil
	case "SHA256", "SHA-256":
		return SHA256, nil
	}
	return MD5, fmt.Errorf("sign type %q is not supported (use MD5 or SHA256)", s)
}

func (t SignType) newHash() hash.Hash {
	if t == SHA256 {
		return sha256.New()
	}
	return md5.New()
}

// signingString builds QFPay's canonical string: the non-empty parameters sorted by name and
// joined as name=value with '&', raw values (no URL-encoding). Empty values are dropped because
// they are never sent.
func signingString(params map[string]string) string {
	names := make([]string, 0, len(params))
	size := 0
	for k, v := range params {
		if v == "" {
			continue
		}
		names = append(names, k)
		size += len(k) + len(v) + 2
	}
	slices.Sort(names)
	var b strings.Builder
	b.Grow(size)
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
	}
	return b.String()
}

// digest hashes the signing string (or a raw body) with the key appended and returns upper-case hex.
func digest(t SignType, s, key string) string {
	h := t.newHash()
	h.Write([]byte(s))
	h.Write([]byte(key))
	sum := h.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return strings.ToUpper(string(out))
}

// SignatureStatus says what the check of a response's X-QF-SIGN found.
type SignatureStatus int

const (
	// SignatureAbsent: the response carried no X-QF-SIGN header.
	SignatureAbsent SignatureStatus = iota
	// SignatureVerified: X-QF-SIGN matched the raw body and the client key.
	SignatureVerified
	// SignatureMismatch: X-QF-SIGN did not match.
	SignatureMismatch
)

func (s SignatureStatus) String() string {
	switch s {
	case SignatureVerified:
		return "verified"
	case SignatureMismatch:
		return "mismatch"
	}
	return "absent"
}

// VerifyBody checks a response or notification signature: the digest of the raw body bytes with
// the key appended, compared case-insensitively in constant time.
func VerifyBody(t SignType, body []byte, key, got string) SignatureStatus {
	got = strings.TrimSpace(got)
	if got == "" {
		return SignatureAbsent
	}
	h := t.newHash()
	h.Write(body)
	h.Write([]byte(key))
	want := h.Sum(nil)
	gotRaw, err := hex.DecodeString(got)
	if err != nil || subtle.ConstantTimeCompare(gotRaw, want) != 1 {
		return SignatureMismatch
	}
	return SignatureVerified
}

// SignBody returns the signature QFPay puts in X-QF-SIGN for a raw response or notification
// body. The sandbox uses it to sign its replies.
func SignBody(t SignType, body []byte, key string) string {
	return digest(t, string(body), key)
}

// SignParams returns the X-QF-SIGN value for request parameters (empty values are skipped).
func SignParams(t SignType, params map[string]string, key string) string {
	return digest(t, signingString(params), key)
}
