package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/language"

	"qfpos/cli/config"
	"qfpos/storage"
	"qfpos/ui"
	"qfpos/ui/catalog"
)

// What the command line says — its results, notices and errors — is a message of the catalog:
// the English text is the key (ui/catalog/cli.go translates it), and it is written in the
// reader's language (--lang, else [terminal] language, else the locale). TestCLIWordsAreInTheCatalog
// reads this package and fails on a line written in English only.

// message is a catalog key and its arguments; as an error it reads in English until it is
// written (execute writes it in the reader's language).
type message struct {
	key  catalog.Key
	args []any
}

// says is a message; an error among its arguments is written in the reader's language too, and
// errors.Is and errors.As see it.
func says(key catalog.Key, args ...any) *message { return &message{key: key, args: args} }

func (m *message) Error() string { return m.in(english) }

func (m *message) Unwrap() []error {
	var out []error
	for _, a := range m.args {
		if err, ok := a.(error); ok {
			out = append(out, err)
		}
	}
	return out
}

// in is the message in p's language.
func (m *message) in(p *catalog.Printer) string {
	args := make([]any, len(m.args))
	for i, a := range m.args {
		switch v := a.(type) {
		case worded:
			a = v.in(p)
		case error:
			a = errorIn(p, v)
		}
		args[i] = a
	}
	return fmt.Sprintf(p.Format(m.key), args...)
}

// worded is an argument with words of its own: a message, an approval rule.
type worded interface{ in(*catalog.Printer) string }

// rule is an approval rule or the limits' description as reversal words it.
type rule string

func (r rule) in(p *catalog.Printer) string { return p.Rule(string(r)) }

// lower is a lower layer's message kept as text (a CSV row's reason), said by catalog.ErrorText.
type lower string

func (l lower) in(p *catalog.Printer) string { s, _ := p.ErrorText(string(l)); return s }

// kind is an operation's kind (refund, cancel), said in the reader's words.
type kind storage.Kind

func (k kind) in(p *catalog.Printer) string { return kindWord(p, storage.Kind(k)) }

// errorIn is an error in p's language: a message of this package, a refusal or a staff problem
// in the desk's words; the details a lower layer gives (a file's line, a system error) stay as
// they are, inside the words that frame them.
func errorIn(p *catalog.Printer, err error) string {
	if ee, ok := err.(*exitError); ok && ee.err != nil {
		return errorIn(p, ee.err)
	}
	if m, ok := err.(*message); ok {
		return m.in(p)
	}
	if p.Language() != language.English {
		if s, ok := ui.ErrorWords(p, err, "", time.Local); ok {
			return s
		}
		if s, ok := cobraWords(p, err.Error()); ok {
			return s
		}
		if s, ok := p.ErrorText(err.Error()); ok {
			return s
		}
	}
	return err.Error()
}

// cobraErrors are cobra's and pflag's own errors about what was typed, in the catalog's words.
var cobraErrors = []struct {
	re  *regexp.Regexp
	key catalog.Key
}{
	{regexp.MustCompile(`^unknown flag: (\S+)`), "unknown flag %s"},
	{regexp.MustCompile(`^unknown shorthand flag: '(\S)'`), "unknown flag -%s"},
	{regexp.MustCompile(`^flag needs an argument: '?-*([^' ]+)'?`), "--%s needs a value"},
	{regexp.MustCompile(`^invalid argument "(.*)" for "(?:-\w, )?(--[\w-]+)" flag`), "%[2]s %[1]s: not a valid value"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)`), "takes %s argument(s), got %s"},
}

func cobraWords(p *catalog.Printer, msg string) (string, bool) {
	for _, c := range cobraErrors {
		if m := c.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return p.T(c.key, args...), true
		}
	}
	return "", false
}

// words is the catalog in the reader's language. A configuration that cannot be read still has
// --lang and the locale (its own error is said in them).
func (a *app) words() *catalog.Printer {
	if p, err := a.printer(); err == nil {
		return p
	}
	if tag, err := (config.Config{}).Language(a.langFlag, a.env); err == nil {
		return catalog.New(tag)
	}
	return english
}

// langBeforeParsing reads --lang from a command line that cobra could not parse (an unknown
// command or flag), so that the error about it is said in the language asked for.
func (a *app) langBeforeParsing(args []string) {
	if a.langFlag != "" {
		return
	}
	for i, arg := range args {
		switch {
		case arg == "--":
			return
		case arg == "--lang" && i+1 < len(args):
			a.langFlag = args[i+1]
		case strings.HasPrefix(arg, "--lang="):
			a.langFlag = strings.TrimPrefix(arg, "--lang=")
		}
	}
	if _, err := config.ParseLanguage(a.langFlag); err != nil {
		a.langFlag = "" // a wrong one is said in the locale's language
	}
}

// say writes one line of the catalog in the reader's language.
func (a *app) say(w io.Writer, key catalog.Key, args ...any) {
	fmt.Fprintln(w, says(key, args...).in(a.words()))
}

// jsonArray writes a JSON array one element a line, so that a list of any length — none
// included ("[]") — is one valid JSON value, and a long one is written as it is read.
type jsonArray struct {
	w io.Writer
	n int
}

func (a *jsonArray) add(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sep := ",\n"
	if a.n == 0 {
		sep = "[\n"
	}
	a.n++
	_, err = fmt.Fprintf(a.w, "%s%s", sep, b)
	return err
}

func (a *jsonArray) close() error {
	end := "\n]\n"
	if a.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}
