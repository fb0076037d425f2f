package escpos

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func TestReceiptBytes(t *testing.T) {
	for _, c := range []struct {
		enc  Encoding
		text string
	}{{UTF8, "Refund 12.50 HKD"}, {GB18030, "退款 12.50 港币"}, {Big5, "退款 12.50 港幣"}} {
		b, err := New(c.enc).Align(Center).DoubleHeight(true).Line(c.text).DoubleHeight(false).Align(Left).
			QR("20261121000200020000012345").Bytes()
		if err != nil {
			t.Fatal(err)
		}
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
			want, _ = traditionalchinese.Big5.NewEncoder().Bytes([]byte(c.text))
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

func TestUnprintableText(t *testing.T) {
	if _, err := New(Big5).Line("emoji 🙂").Bytes(); err == nil || !strings.Contains(err.Error(), "cannot be printed in big5") {
		t.Fatalf("%v", err)
	}
	if _, err := ParseEncoding("latin1"); err == nil {
		t.Fatal("latin1 accepted")
	}
	if e, err := ParseEncoding("GB18030"); err != nil || e != GB18030 {
		t.Fatal(e, err)
	}
}
