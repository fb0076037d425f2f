package receipt

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/language"

	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt/escpos"
)

var (
	hk = time.FixedZone("HKT", 8*3600)
	at = time.Date(2026, 11, 21, 15, 4, 5, 0, hk)
)

func slip(state storage.State, tag language.Tag) Slip {
	sale := storage.SaleView{Sale: storage.Sale{SysSN: "20261121000100020000001001", OutTradeNo: "POS20261121145500123", Amount: 88_00,
		Currency: "HKD", PayType: "800208", RespCD: "0000", Time: at.Add(-10 * time.Minute)}, Refunded: 12_50}
	op := storage.Reversal{ID: 7, Kind: storage.KindRefund, Amount: 12_50, Currency: "HKD", State: state, SaleSysSN: sale.SysSN,
		Cashier: "陳小明", Approver: "mgr", Reason: "貨品損壞", Created: at, Updated: at}
	if state == storage.StateSucceeded {
		op.SysSN, op.Finished = "20261121000200020000012345", at
	}
	if state == storage.StateFailed {
		op.RespCD, op.Finished = "1272", at
	}
	return Slip{Shop: Shop{Name: "Golden Dragon Tea House 金龍茶餐廳", Address: "12 Nathan Road, Kowloon"}, UDID: "POS-01",
		Op: op, Sale: sale, Loc: hk, Words: catalog.New(tag), Audit: "3f9a12bc #1234"}
}

// TestSlips: goldens of the text slip in three languages at both widths, no line wider than the
// paper; an unknown outcome is never called a refund.
func TestSlips(t *testing.T) {
	for _, tag := range catalog.Languages {
		for _, width := range []int{Narrow, Wide} {
			for _, state := range []storage.State{storage.StateSucceeded, storage.StateUnknown, storage.StateFailed} {
				t.Run(fmt.Sprintf("%s-%s-%d", state, tag, width), func(t *testing.T) {
					text := slip(state, tag).Text(width)
					for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
						if n := ansi.StringWidth(l); n > width {
							t.Errorf("line %d is %d wide on %d columns: %q", i+1, n, width, l)
						}
					}
					if state == storage.StateUnknown {
						for _, word := range []string{"REFUND", "退款單", "退款单", "Refunded"} {
							if strings.Contains(text, word) {
								t.Errorf("an unknown outcome says %q:\n%s", word, text)
							}
						}
					}
					golden.RequireEqual(t, []byte(text))
				})
			}
		}
	}
}

// TestSlipESCPOS: hex goldens of the printer bytes in Big5 (Traditional Chinese) and GB18030
// (Simplified), decoded back: they start with initialise, every line of the text slip is there in
// the printer's encoding, QFPay's reference is in the QR command, and they end with a cut. A fake
// network printer on 127.0.0.1 receives exactly the golden's bytes.
func TestSlipESCPOS(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  language.Tag
		enc  escpos.Encoding
		dec  encoding.Encoding
	}{
		{"big5", language.TraditionalChinese, escpos.Big5, traditionalchinese.Big5},
		{"gb18030", language.SimplifiedChinese, escpos.GB18030, simplifiedchinese.GB18030},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := slip(storage.StateSucceeded, c.tag)
			b, replaced := s.ESCPOS(Narrow, c.enc, true)
			if len(replaced) > 0 {
				t.Errorf("printed as stand-ins: %q", string(replaced))
			}
			if !bytes.HasPrefix(b, escpos.Initialise) || !bytes.HasSuffix(b, escpos.CutPartial) {
				t.Fatalf("% x … % x", b[:4], b[len(b)-4:])
			}
			// The commands are ASCII, so the whole stream decodes; each line of the text slip must
			// come back (the title sits between its double-height commands).
			back, err := c.dec.NewDecoder().Bytes(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range s.Lines(Narrow) {
				if want := strings.TrimSpace(l); !strings.Contains(string(back), want) {
					t.Errorf("%q is not in the decoded bytes", want)
				}
			}
			if utf8.Valid(b) {
				t.Error("the Chinese text went out as UTF-8")
			}
			ref := s.Op.SysSN
			store := append([]byte{0x1d, 0x28, 0x6b, byte(len(ref) + 3), 0, 0x31, 0x50, 0x30}, ref...)
			if !bytes.Contains(b, store) {
				t.Error("the QR command does not carry QFPay's reference")
			}
			golden.RequireEqual(t, []byte(fmt.Sprintf("% x\n", b)))

			// What the printer receives is the golden, byte for byte.
			text, err := os.ReadFile(filepath.Join("testdata", "TestSlipESCPOS", c.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(string(text)), " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			got := make(chan []byte, 1)
			go func() {
				conn, err := ln.Accept()
				if err != nil {
					got <- nil
					return
				}
				defer conn.Close()
				r, _ := io.ReadAll(conn)
				got <- r
			}()
			if err := escpos.Send("tcp://"+ln.Addr().String(), b, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if r := <-got; !bytes.Equal(r, want) {
				t.Fatalf("the printer got %d bytes, the golden has %d", len(r), len(want))
			}
		})
	}
}

// TestControlCharactersNeverReachThePrinter: text a journal written before control characters
// were refused may hold (a drawer kick, a cut, a terminal escape in the reason's words, the
// cashier, the shop's name) comes out escaped, on the text slip and in the ESC/POS bytes.
func TestControlCharactersNeverReachThePrinter(t *testing.T) {
	s := slip(storage.StateSucceeded, language.English)
	s.Op.ReasonText, s.Op.Cashier, s.Shop.Name = "kick\x1bp\x00\x19\xfa cut\x1dV\x00", "amy\x07", "Shop\u009b2J"
	text := s.Text(48)
	for i, r := range text {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			t.Fatalf("a control character %U at %d of the slip:\n%s", r, i, text)
		}
	}
	for _, want := range []string{`kick\x1bp\x00\x19`, `amy\x07`, `Shop\u009b2J`} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not shown escaped in:\n%s", want, text)
		}
	}
	b, _ := s.ESCPOS(48, escpos.UTF8, false)
	for _, cmd := range [][]byte{{0x1b, 'p', 0x00}, {0x1d, 'V', 0x00}, {0x07}} {
		if bytes.Contains(b, cmd) {
			t.Errorf("the ESC/POS bytes carry % x", cmd)
		}
	}
}
