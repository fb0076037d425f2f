package storage

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Free text a person types (a reason's words, goods, a cashier's name, a shop's name) reaches
// slips, printers, reports and terminals, where a control character is a command: a printer's
// drawer kick or cut, a terminal's escape. The journal refuses it (CheckText), and everything that
// shows text written before escapes it (EscapeText).

// ErrControl is wrapped by CheckText's error.
var ErrControl = errors.New("has a control character")

// control reports whether r is a C0 or C1 control character or DEL.
func control(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// CheckText refuses text with a C0 or C1 control character (tab and newline included) or bytes
// that are not UTF-8, naming the first one.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not UTF-8 text")
	}
	if i := strings.IndexFunc(s, control); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("%w (%U at byte %d)", ErrControl, r, i)
	}
	return nil
}

// EscapeText shows control characters as visible escapes (\x07, \u009b) and bytes that are not
// UTF-8 as \ufffd, so that text from the journal never acts on a printer or a terminal.
func EscapeText(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, control) < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\ufffd`)
		case r < 0x80 && control(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case control(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
