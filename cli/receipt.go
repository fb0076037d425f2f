package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"

	"qfpos/cli/config"
	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
	"qfpos/ui/receipt"
	"qfpos/ui/receipt/escpos"
)

// printTimeout bounds sending a slip to a printer.
const printTimeout = 5 * time.Second

func receiptCmd(a *app) *cobra.Command {
	var id uint64
	var syssn, format, lang, out, printer string
	c := &cobra.Command{
		Use:     "receipt --op ID | --syssn S [--format text|escpos] [--lang L] [--out FILE | --printer URL]",
		Short:   "Print a refund's or cancel's slip for the customer: text, or ESC/POS for a receipt printer",
		GroupID: "ops",
		Long: `Prints the slip of a refund or cancel (--op, its id in the journal; or --syssn, the sale's latest):
the shop ([receipt] shop_name, address), terminal, cashier, approver, time, amount, what is left
to refund, pay method, the sale's references and QFPay's reference of the refund — what the
customer shows their bank or wallet. An unknown outcome's slip says so and never calls it a
refund. Text by default on standard output; --format escpos for a receipt printer, sent with
--printer (tcp://HOST:9100, a device, file:PATH; --printer alone means escpos) or [receipt]
printer. Times are in the zone of the terminal that made the operation, with its offset. A printer that cannot be
reached changes nothing: print the slip again at any time.`,
		Example: `  qfpos receipt --op 42
  qfpos receipt --syssn 20261121000100020000001001 --format escpos --printer tcp://192.168.1.50:9100 --lang zh-Hant`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format == "" { // a printer reads ESC/POS: without --format, --printer means it
				format = "text"
				if printer != "" {
					format = "escpos"
				}
			}
			if format != "text" && format != "escpos" {
				return flagError("format", format, says("is not text or escpos"))
			}
			j, err := a.journal(mustExist)
			if err != nil {
				return err
			}
			slip, err := a.slip(j, id, syssn, lang)
			if err != nil {
				return err
			}
			cfg, _ := a.config()
			if printer == "" && out == "" && format == "escpos" {
				printer = cfg.Receipt.Printer
			}
			var b []byte
			if format == "text" {
				b = []byte(slip.Text(cfg.Receipt.Width))
			} else {
				a.warnSlipEncoding(lang, true)
				enc, _ := escpos.ParseEncoding(cfg.Receipt.Encoding)
				var replaced []rune
				b, replaced = slip.ESCPOS(cfg.Receipt.Width, enc, cfg.Receipt.QR)
				if len(replaced) > 0 {
					a.say(a.stderr, "note: %s has no %s; printed as stand-ins (?, or the letter without its accent)", enc, quoteRunes(replaced))
				}
			}
			switch {
			case printer != "":
				if err := escpos.Send(printer, b, printTimeout); err != nil {
					return failed(says("printer not reachable (%v); nothing changed — print the slip again", err))
				}
				a.say(a.stderr, "slip of %s %s sent to %s", kindWord(a.words(), slip.Op.Kind), slip.Op.OutTradeNo, printer)
				return nil
			case out != "":
				if err := a.writeFile(out, b); err != nil {
					return failed(err)
				}
				return nil
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
	c.Flags().Uint64Var(&id, "op", 0, "the refund's or cancel's id in the journal (qfpos report shows it)")
	c.Flags().StringVar(&syssn, "syssn", "", "the sale's syssn: its latest refund or cancel")
	c.Flags().StringVar(&format, "format", "", "text or escpos (default: escpos with --printer, else text)")
	c.Flags().StringVar(&lang, "lang", "", "the slip's language (default [receipt] language, else the desk's)")
	c.Flags().StringVar(&out, "out", "", "write the slip to this file")
	c.Flags().StringVar(&printer, "printer", "", "send it to a printer: tcp://HOST:9100, a device, or file:PATH")
	return c
}

// quoteRunes lists characters for a message: "é", "🙂" (each once).
func quoteRunes(rs []rune) string {
	var out []string
	for _, r := range rs {
		if q := strconv.QuoteRune(r); !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return strings.Join(out, ", ")
}

// slipWords is the catalog of a slip's language: lang (--lang of receipt), else [receipt]
// language, else the desk's.
func (a *app) slipWords(lang string) (*catalog.Printer, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	for _, l := range []string{lang, cfg.Receipt.Language} {
		if l == "" {
			continue
		}
		tag, err := config.ParseLanguage(l)
		if err != nil {
			return nil, flagError("lang", l, err)
		}
		return catalog.New(tag), nil
	}
	return a.printer()
}

// slipEncodingAdvice is the encoding a receipt printer needs for slips in lang when they would
// go out as UTF-8 ("" when there is nothing to say: English slips, or a Chinese encoding set).
func slipEncodingAdvice(enc escpos.Encoding, lang language.Tag) escpos.Encoding {
	if enc != escpos.UTF8 {
		return ""
	}
	switch catalog.Match(lang) {
	case language.TraditionalChinese:
		return escpos.Big5
	case language.SimplifiedChinese:
		return escpos.GB18030
	}
	return ""
}

// warnSlipEncoding says (in the log, and on standard error in the cashier's language when say is
// set) when slips in lang would reach a receipt printer as UTF-8; it returns the encoding to set.
func (a *app) warnSlipEncoding(lang string, say bool) escpos.Encoding {
	cfg, err := a.config()
	if err != nil {
		return ""
	}
	words, err := a.slipWords(lang)
	if err != nil {
		return ""
	}
	enc, _ := escpos.ParseEncoding(cfg.Receipt.Encoding)
	advice := slipEncodingAdvice(enc, words.Language())
	if advice != "" {
		a.logger().Warn("Chinese slips would reach the printer as UTF-8", "set [receipt] encoding", string(advice))
		if say {
			if p, err := a.printer(); err == nil {
				fmt.Fprintln(a.stderr, p.T(catalog.SlipEncodingUTF8, string(advice)))
			}
		}
	}
	return advice
}

// slipPrinted is the note that marks an operation's slip as printed by auto_print.
const slipPrinted = "slip printed"

// autoPrint prints the slip of each refund or cancel that reaches its final outcome, once: a note
// in the journal marks it printed, so a restart does not print it again. The operations whose slip
// could not be printed go to failed (when not nil, without waiting: the desk says so there).
func (a *app) autoPrint(ctx context.Context, j *storage.Journal, updates <-chan reversal.Update, failed chan<- uint64) {
	for {
		select {
		case <-ctx.Done():
			return
		case u, ok := <-updates:
			if !ok {
				return
			}
			if !u.Reversal.State.Finished() {
				continue
			}
			r, err := j.Reversal(u.Reversal.ID)
			if err != nil || slices.ContainsFunc(r.Events, func(e storage.Event) bool { return e.Type == storage.EventNote && e.Message == slipPrinted }) {
				continue
			}
			if err := a.printSlip(j, r.ID, ""); err != nil {
				a.logger().Warn("slip not printed", "operation", r.ID, "err", err)
				select {
				case failed <- r.ID:
				default: // nobody listening (qfpos serve) or the desk has not taken the last one yet
				}
				continue
			}
			if err := j.Note(r.ID, storage.Event{Message: slipPrinted}); err != nil {
				a.logger().Error("marking a slip printed", "operation", r.ID, "err", err)
			}
		}
	}
}

// printSlip sends an operation's slip to [receipt] printer as ESC/POS, in lang ("": [receipt]
// language, else the desk's).
func (a *app) printSlip(j *storage.Journal, id uint64, lang string) error {
	slip, err := a.slip(j, id, "", lang)
	if err != nil {
		return err
	}
	cfg, _ := a.config()
	enc, _ := escpos.ParseEncoding(cfg.Receipt.Encoding)
	b, replaced := slip.ESCPOS(cfg.Receipt.Width, enc, cfg.Receipt.QR)
	if len(replaced) > 0 {
		a.logger().Warn("slip characters the printer's encoding lacks were printed as stand-ins", "operation", id, "encoding", enc, "characters", string(replaced))
	}
	if err := escpos.Send(cfg.Receipt.Printer, b, printTimeout); err != nil {
		return says("printer not reachable (%v)", err)
	}
	return nil
}

// slip builds the slip of an operation in the customer's language.
func (a *app) slip(j *storage.Journal, id uint64, syssn, lang string) (receipt.Slip, error) {
	var op storage.Reversal
	switch {
	case id != 0:
		r, err := j.Reversal(id)
		if err != nil {
			return receipt.Slip{}, flagError("op", fmt.Sprint(id), says("not in the journal"))
		}
		op = r
	case syssn != "":
		v, ok, err := j.Sale(syssn)
		if err != nil {
			return receipt.Slip{}, failed(err)
		}
		if !ok || len(v.Reversals) == 0 {
			return receipt.Slip{}, flagError("syssn", syssn, says("has no refund or cancel in the journal"))
		}
		op = v.Reversals[len(v.Reversals)-1]
	default:
		return receipt.Slip{}, usage("name the operation: --op ID or --syssn S")
	}
	v, _, err := j.Sale(op.SaleSysSN)
	if err != nil {
		return receipt.Slip{}, failed(err)
	}
	cfg, _ := a.config()
	words, err := a.slipWords(lang)
	if err != nil {
		return receipt.Slip{}, err
	}
	udid, err := a.terminalUDID(j)
	if err != nil {
		return receipt.Slip{}, err
	}
	code, _, err := j.AuditCodeOf(op.ID)
	if err != nil {
		return receipt.Slip{}, failed(err)
	}
	return receipt.Slip{Shop: receipt.Shop{Name: cfg.Receipt.ShopName, Address: cfg.Receipt.Address}, UDID: udid, Op: op,
		Sale: v, Loc: j.Location(), Words: words, Audit: code}, nil
}

// slipFile writes an operation's slip as a text file into dir (the demo's file printer) and
// returns the file's path.
func (a *app) slipFile(j *storage.Journal, dir string, id uint64, lang string) (string, error) {
	slip, err := a.slip(j, id, "", lang)
	if err != nil {
		return "", err
	}
	cfg, _ := a.config()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("slip-%d-%s.txt", id, slip.Op.Kind)) // machine-read: a file name
	text := strings.Join(slip.Lines(cfg.Receipt.Width), "\n") + "\n"
	return path, os.WriteFile(path, []byte(text), 0o600)
}
