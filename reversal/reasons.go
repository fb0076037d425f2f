package reversal

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"qfpos/storage"
)

// DefaultReasons are the store's reason codes for a refund when [refunds] reasons names none.
var DefaultReasons = []string{"damaged", "wrong item", "customer changed mind", "duplicate charge", "price adjustment", ReasonOther}

// ReasonOther is the code that needs the cashier's own words.
const ReasonOther = "other"

// MaxReasonText is the most a reason's words may take, in characters.
const MaxReasonText = 120

// Why a refund's reason is refused; ReasonError wraps one.
var (
	ErrNoReason        = errors.New("a refund needs a reason")
	ErrUnknownReason   = errors.New("is not one of the store's reasons")
	ErrReasonNeedsText = errors.New("needs a few words of why")
	ErrReasonTooLong   = fmt.Errorf("takes more than %d characters", MaxReasonText)
	ErrReasonControl   = errors.New("have a control character (a printer or a terminal would act on it)")
)

// ReasonError refuses a refund whose reason is missing or not the store's; Allowed are the codes.
type ReasonError struct {
	Err     error
	Reason  string
	Allowed []string
}

func (e *ReasonError) Error() string {
	switch {
	case errors.Is(e.Err, ErrNoReason):
		return fmt.Sprintf("%v: one of %s", e.Err, strings.Join(e.Allowed, ", "))
	case errors.Is(e.Err, ErrUnknownReason):
		return fmt.Sprintf("reason %q %v: %s", e.Reason, e.Err, strings.Join(e.Allowed, ", "))
	case errors.Is(e.Err, ErrReasonTooLong), errors.Is(e.Err, ErrReasonControl):
		return fmt.Sprintf("the reason's words %v", e.Err)
	}
	return fmt.Sprintf("reason %q %v", e.Reason, e.Err)
}

func (e *ReasonError) Unwrap() error { return e.Err }

// CheckReasonCodes refuses a list of reason codes a cashier could not use: empty, a blank or
// repeated code, one too long for a screen's line.
func CheckReasonCodes(codes []string) error {
	if len(codes) == 0 {
		return errors.New("must list at least one reason")
	}
	seen := map[string]bool{}
	for _, c := range codes {
		switch k := strings.ToLower(strings.TrimSpace(c)); {
		case k == "" || k != strings.ToLower(c):
			return fmt.Errorf("%q: a reason is a few words, without spaces around them", c)
		case utf8.RuneCountInString(c) > 40:
			return fmt.Errorf("%q is longer than 40 characters", c)
		case strings.IndexFunc(c, unicode.IsControl) >= 0:
			return fmt.Errorf("%q has a control character", c)
		case seen[k]:
			return fmt.Errorf("%q is listed twice", c)
		default:
			seen[k] = true
		}
	}
	return nil
}

// CheckReason returns the store's code for reason (matched without regard to case) and the
// cashier's words trimmed, or a ReasonError: no reason, one not among codes, "other" without
// words, words too long.
func CheckReason(codes []string, reason, text string) (string, string, error) {
	reason, text = strings.TrimSpace(reason), strings.TrimSpace(text)
	if reason == "" {
		return "", "", &ReasonError{Err: ErrNoReason, Allowed: codes}
	}
	code := ""
	for _, c := range codes {
		if strings.EqualFold(c, reason) {
			code = c
			break
		}
	}
	switch {
	case code == "":
		return "", "", &ReasonError{Err: ErrUnknownReason, Reason: reason, Allowed: codes}
	case utf8.RuneCountInString(text) > MaxReasonText:
		return "", "", &ReasonError{Err: ErrReasonTooLong, Reason: code, Allowed: codes}
	case storage.CheckText(text) != nil:
		return "", "", &ReasonError{Err: ErrReasonControl, Reason: code, Allowed: codes}
	case strings.EqualFold(code, ReasonOther) && text == "":
		return "", "", &ReasonError{Err: ErrReasonNeedsText, Reason: code, Allowed: codes}
	}
	return code, text, nil
}
