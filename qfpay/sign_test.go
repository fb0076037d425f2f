package qfpay

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

type vector struct {
	Name          string            `json:"name"`
	Kind          string            `json:"kind"`
	Algorithm     string            `json:"algorithm"`
	Params        map[string]string `json:"params"`
	SigningString string            `json:"signing_string"`
	Body          string            `json:"body"`
	Key           string            `json:"key"`
	Expected      string            `json:"expected"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/signature-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 5 {
		t.Fatalf("only %d vectors", len(vs))
	}
	return vs
}

func hasEmptyValue(p map[string]string) bool {
	for _, v := range p {
		if v == "" {
			return true
		}
	}
	return false
}

// TestSignatureVectors checks every published vector: request vectors at the parameter level
// (canonical string and digest), except the one that signs an empty value, which is checked at
// the canonical-string hashing level; response vectors over the raw body.
func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			st, err := ParseSignType(v.Algorithm)
			if err != nil {
				t.Fatal(err)
			}
			switch v.Kind {
			case "request":
				if got := digest(st, v.SigningString, v.Key); !strings.EqualFold(got, v.Expected) {
					t.Fatalf("digest of signing string = %s, want %s", got, v.Expected)
				}
				if hasEmptyValue(v.Params) {
					// qfpos never sends (so never signs) empty values: the parameter level must
					// drop it and so differ from the published string.
					if signingString(v.Params) == v.SigningString {
						t.Fatal("signingString kept an empty value")
					}
					return
				}
				if got := signingString(v.Params); got != v.SigningString {
					t.Fatalf("signingString =\n%s\nwant\n%s", got, v.SigningString)
				}
				got := SignParams(st, v.Params, v.Key)
				if !strings.EqualFold(got, v.Expected) || got != strings.ToUpper(got) {
					t.Fatalf("SignParams = %s, want upper-case %s", got, v.Expected)
				}
			case "response-body":
				if got := SignBody(st, []byte(v.Body), v.Key); !strings.EqualFold(got, v.Expected) {
					t.Fatalf("SignBody = %s, want %s", got, v.Expected)
				}
				for _, sig := range []string{v.Expected, strings.ToLower(v.Expected)} {
					if s := VerifyBody(st, []byte(v.Body), v.Key, sig); s != SignatureVerified {
						t.Fatalf("VerifyBody(%s) = %s", sig, s)
					}
				}
				if s := VerifyBody(st, []byte(v.Body+" "), v.Key, v.Expected); s != SignatureMismatch {
					t.Fatalf("changed body verified: %s", s)
				}
			default:
				t.Fatalf("unknown kind %q", v.Kind)
			}
		})
	}
}

func TestSigningStringDropsEmptyAndSorts(t *testing.T) {
	got := signingString(map[string]string{"txamt": "100", "mchid": "", "b": "2", "a": "1", "txdtm": "2026-11-21 10:00:00"})
	want := "a=1&b=2&txamt=100&txdtm=2026-11-21 10:00:00"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestVerifyBodyStatuses(t *testing.T) {
	body := []byte(`{"respcd":"0000"}`)
	good := SignBody(SHA256, body, "k")
	cases := []struct {
		sig  string
		want SignatureStatus
	}{
		{"", SignatureAbsent},
		{"  ", SignatureAbsent},
		{good, SignatureVerified},
		{strings.ToLower(good), SignatureVerified},
		{"not-hex", SignatureMismatch},
		{good[:10], SignatureMismatch},
		{SignBody(MD5, body, "k"), SignatureMismatch},
	}
	for _, c := range cases {
		if got := VerifyBody(SHA256, body, "k", c.sig); got != c.want {
			t.Errorf("VerifyBody(%q) = %s, want %s", c.sig, got, c.want)
		}
	}
}

func TestParseSignType(t *testing.T) {
	for in, want := range map[string]SignType{"": MD5, "md5": MD5, "SHA256": SHA256, "sha-256": SHA256} {
		got, err := ParseSignType(in)
		if err != nil || got != want {
			t.Errorf("ParseSignType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSignType("HMAC"); err == nil || !strings.Contains(err.Error(), "MD5 or SHA256") {
		t.Errorf("HMAC: %v", err)
	}
}

func FuzzSign(f *testing.F) {
	f.Add("txamt", "100", "syssn", "2023", "abcd1234")
	f.Add("name", "测试", "b", "", "k")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, key string) {
		params := map[string]string{k1: v1, k2: v2}
		s := signingString(params)
		nonEmpty := map[string]string{}
		for k, v := range params {
			if v != "" {
				nonEmpty[k] = v
			}
		}
		if s != signingString(nonEmpty) {
			t.Fatalf("empty values changed the signing string: %q", s)
		}
		if len(nonEmpty) == 0 && s != "" {
			t.Fatalf("nothing to sign but got %q", s)
		}
		for _, st := range []SignType{MD5, SHA256} {
			sig := SignParams(st, params, key)
			if sig != strings.ToUpper(sig) {
				t.Fatal("not upper-case")
			}
			if sig != digest(st, s, key) {
				t.Fatal("SignParams differs from digest of signingString")
			}
			if VerifyBody(st, []byte(s), key, sig) != SignatureVerified {
				t.Fatal("own signature not verified")
			}
		}
	})
}

func BenchmarkSign(b *testing.B) {
	params := map[string]string{
		"syssn": "20231108180500020000012345", "out_trade_no": "RF20231108153000001",
		"txamt": "100", "txdtm": "2023-11-08 15:30:00", "udid": "POS-01", "mchid": "ZaMVg12345",
	}
	for _, st := range []SignType{MD5, SHA256} {
		b.Run(st.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = SignParams(st, params, "abcd1234")
			}
		})
	}
}
