package escpos

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func TestReceiptBytes(t *testing.T) {
	for _, c := range []struct {
		enc  Encoding
		text string
	}{{UTF8, "Refund 12.50 HKD"}, {GB18030, "退款 12.50 港币"}, {Big5, "退款 12.50 港幣"}} {
		b := New(c.enc).Align(Center).DoubleHeight(true).Line(c.text).DoubleHeight(false).Align(Left).
			QR("20261121000200020000012345").Bytes()
		if !bytes.HasPrefix(b, Initialise) || !bytes.HasSuffix(b, CutPartial) {
			t.Fatalf("%s: % x", c.enc, b)
		}
		// The text decodes back from the printer's encoding.
		var want []byte
		switch c.enc {
		case GB18030:
			want, _ = simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(c.text))
			if !bytes.Contains(b, ChineseOn) || !bytes.Contains(b, ChineseOff) {
				t.Errorf("%s: no Chinese mode", c.enc)
			}
			back, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(want)
			if string(back) != c.text {
				t.Errorf("GB18030 round trip: %q", back)
			}
		case Big5:
			// Standard Big5: 港 is B4 E4 (x/text's encoder writes the HKSCS FD BB).
			want = append([]byte{0xB0, 0x68, 0xB4, 0xDA}, " 12.50 "...)
			want = append(want, 0xB4, 0xE4, 0xB9, 0xF4)
			back, _ := traditionalchinese.Big5.NewDecoder().Bytes(want)
			if string(back) != c.text {
				t.Errorf("Big5 round trip: %q", back)
			}
		default:
			want = []byte(c.text)
		}
		if !bytes.Contains(b, append(want, '\n')) {
			t.Errorf("%s: the text is not in the bytes", c.enc)
		}
		// The QR command stores the reference: GS ( k pL pH 49 80 48 data.
		store := append([]byte{0x1d, 0x28, 0x6b, 29, 0, 0x31, 0x50, 0x30}, "20261121000200020000012345"...)
		if !bytes.Contains(b, store) {
			t.Errorf("%s: no QR store command", c.enc)
		}
	}
}

// TestUnprintableText: a character the printer's encoding lacks is printed as a stand-in and
// listed, never as bytes of another encoding; the rest of the slip prints.
func TestUnprintableText(t *testing.T) {
	b := New(Big5)
	out := b.Line("Café 🙂 → 香港").Bytes()
	// é and 🙂 are not in standard Big5 (x/text's WHATWG Big5 writes é as 88 6D, an HKSCS code);
	// → is A1 F7; 港 is B4 E4 (x/text writes FD BB).
	want := append([]byte("Cafe ? "), 0xA1, 0xF7, ' ', 0xAD, 0xBB, 0xB4, 0xE4, '\n')
	if !bytes.Contains(out, want) {
		t.Errorf("% x\nwant % x", out, want)
	}
	if got := string(b.Replaced()); got != "é🙂" {
		t.Errorf("replaced %q", got)
	}
	if _, err := ParseEncoding("latin1"); err == nil {
		t.Fatal("latin1 accepted")
	}
	if e, err := ParseEncoding("GB18030"); err != nil || e != GB18030 {
		t.Fatal(e, err)
	}
}
