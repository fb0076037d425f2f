package catalog

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// eventNotes are the notes the lifecycle writes on a refund's or cancel's events, in English, as
// the journal keeps them (reversal, storage and cli write them; the journal never changes them).
// The review's timeline shows each in the reader's language: a note is matched against these
// formats and its values are carried into the translation (a kind or an endpoint word
// translated, a code, an amount or an API path as it is). A note matching none is shown as
// written.
var eventNotes = []Key{
	"%s of %s via %s",
	"QFPay's record was read just before",
	"QFPay's record read before sending",
	"QFPay's record was read just before: %s refunded elsewhere",
	"QFPay's record read before sending: %s refunded elsewhere",
	"QFPay has no record of the sale yet; going ahead on this terminal's figure",
	"QFPay could not be reached before sending; going ahead on this terminal's figure",
	"%s %s to /trade/v1/%s",
	"query failed: %s",
	"QFPay confirms it is done",
	"QFPay is still processing",
	"QFPay's record shows %s: %s",
	"QFPay's record shows %s",
	"QFPay has no such operation",
	"QFPay has no such operation: the refusal (%s) stands",
	"the sale is still open at QFPay; QFPay answered the cancel, so it is not sent again",
	"QFPay has no such operation; sending the identical request again",
	"QFPay's record shows sale %s cancelled (flag %s): nothing was charged",
	"QFPay confirms the order was already cancelled: nothing was charged",
	"QFPay's record shows sale %s paid",
	"re-check requested",
	"refused with %s; confirming with QFPay before calling it failed",
	"the resend was refused with %s; the first send may have gone through — checking with QFPay",
	"refused with %s for now; confirming with QFPay that nothing happened",
	"/trade/v1/%s cannot cancel this order; trying /trade/v1/%s",
	"QFPay answered %s; confirming with an enquiry of the sale (a cancel's answer is not proof)",
	"the sale is paid at QFPay: the customer was charged; refund it instead",
	"settled by reconciliation with QFPay's records",
	"slip printed",
}

// Words a note's values may be: an operation's kind or endpoint ("refund" and "cancel" are the
// help bar's and the command line's words already); and an operation's state in a report.
const (
	WordReversal    Key = "reversal"
	WordClose       Key = "close"
	WordStateFailed Key = "failed"
	WordProcessing  Key = "processing"
	WordUnknownSt   Key = "unknown"
	WordPending     Key = "pending"
)

// wordKeys are the words above, for All.
var wordKeys = []Key{WordReversal, WordClose, WordStateFailed, WordProcessing, WordUnknownSt, WordPending}

// UnknownFor is "Outcome unknown — still checking" with the next step in the words of the
// operation's kind (refund or cancel).
func UnknownFor(kind string) Key {
	if kind == "cancel" {
		return StatusUnknownC
	}
	return StatusUnknown
}

// OperationName is an operation's kind (refund, cancel) or endpoint (refund, reversal, close) in
// the printer's language; another word stays as it is.
func (p *Printer) OperationName(op string) string {
	if k, ok := noteWords[op]; ok {
		return p.T(k)
	}
	return op
}

// StateName is an operation's state (succeeded, failed, processing, unknown, sent, pending) in
// the printer's language; another word stays as it is.
func (p *Printer) StateName(state string) string {
	k, ok := map[string]Key{"succeeded": CliSucceeded, "failed": WordStateFailed, "processing": WordProcessing,
		"unknown": WordUnknownSt, "sent": EvSent, "pending": WordPending}[state]
	if !ok {
		return state
	}
	return p.T(k)
}

var noteWords = map[string]Key{"refund": HelpRefund, "cancel": CliCancel, "reversal": WordReversal, "close": WordClose}

// notePattern is a note's format as a regular expression, and which of its values are words to
// translate (a value inside an API path stays as it is).
type notePattern struct {
	key   Key
	re    *regexp.Regexp
	words []bool
}

var notePatterns = sync.OnceValue(func() []notePattern {
	var out []notePattern
	for _, k := range eventNotes {
		parts := strings.Split(string(k), "%s")
		var b strings.Builder
		var words []bool
		b.WriteString("^")
		for i, p := range parts {
			b.WriteString(regexp.QuoteMeta(p))
			if i < len(parts)-1 {
				b.WriteString("([^;]+?)") // a value never holds the "; " that joins notes
				words = append(words, !strings.HasSuffix(p, "/"))
			}
		}
		b.WriteString("$")
		out = append(out, notePattern{key: k, re: regexp.MustCompile(b.String()), words: words})
	}
	// The most specific format first: "QFPay's record shows sale %s paid" before "… shows %s".
	slices.SortStableFunc(out, func(a, b notePattern) int {
		return len(strings.ReplaceAll(string(b.key), "%s", "")) - len(strings.ReplaceAll(string(a.key), "%s", ""))
	})
	return out
})

// EventNote returns a note of the journal's events in the printer's language. An intent's note
// may carry what the terminal knew after "; ", which is translated too.
func (p *Printer) EventNote(note string) string {
	if s, ok := p.eventNote(note); ok {
		return s
	}
	if head, rest, ok := strings.Cut(note, "; "); ok {
		if h, ok := p.eventNote(head); ok {
			return h + p.T(SepGroups) + p.EventNote(rest)
		}
	}
	return note
}

func (p *Printer) eventNote(note string) (string, bool) {
	if t := p.T(Key(note)); t != note { // a note that is a message of its own ("Outcome unknown — …")
		return t, true
	}
	for _, pat := range notePatterns() {
		m := pat.re.FindStringSubmatch(note)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			if w, ok := noteWords[v]; ok && pat.words[i] {
				args[i] = p.T(w)
			} else {
				args[i] = v
			}
		}
		return p.p.Sprintf(string(pat.key), args...), true
	}
	return "", false
}
