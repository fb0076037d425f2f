package catalog

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"qfpos/qfpay/paytype"
	"qfpos/qfpay/respcd"
)

var update = flag.Bool("update", false, "rewrite testdata/code-words.golden")

// TestEveryKeyIsListed parses messages.go: every Key constant must be in the messages list.
func TestEveryKeyIsListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[Key]bool{}
	for _, k := range messages {
		if listed[k] {
			t.Errorf("%q listed twice", k)
		}
		listed[k] = true
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || vs.Type == nil || vs.Type.(*ast.Ident).Name != "Key" {
			return true
		}
		for _, v := range vs.Values {
			lit := v.(*ast.BasicLit).Value
			n++
			text, err := strconv.Unquote(lit)
			if err != nil || !listed[Key(text)] {
				t.Errorf("%s is not in the messages list", lit)
			}
		}
		return true
	})
	if n != len(messages) {
		t.Errorf("%d constants, %d listed", n, len(messages))
	}
}

func TestTranslationWorks(t *testing.T) {
	// A translation is only data: register one and the printer uses it.
	Translations[language.Japanese] = map[Key]string{QFPayOK: "QFPay 接続中", TitleSale: "取引 %s"}
	defer delete(Translations, language.Japanese)
	if err := Check(Translations[language.Japanese]); err != nil {
		t.Fatal(err)
	}
	builder = newBuilder()
	defer func() { builder = newBuilder() }()
	zh := New(language.Japanese)
	if got := zh.T(TitleSale, "123"); got != "取引 123" {
		t.Fatalf("got %q", got)
	}
	if got := zh.T(QFPayDown); got != string(QFPayDown) {
		t.Fatalf("untranslated key should fall back to English: %q", got)
	}
	if err := Check(map[Key]string{"no such key": "x"}); err == nil {
		t.Fatal("unknown key accepted")
	}
}

func TestCodesAreInTheCatalog(t *testing.T) {
	en := New(language.English)
	exp, next := en.Code(OpRefund, "1272", "")
	if !strings.Contains(exp, "already refunded part") || next == "" {
		t.Fatalf("%q %q", exp, next)
	}
	all := map[Key]bool{}
	for _, k := range All() {
		all[k] = true
	}
	if !all[Key(exp)] || !all[Key(next)] {
		t.Fatal("code explanations are not catalog keys")
	}
}

// codeNames are the codes with words: every code qfpay classifies and the two variants.
func codeNames() []string {
	return append(slices.Sorted(slices.Values(respcd.Known())), "1265-night", "unknown")
}

// TestEveryCodeHasWords: every code qfpay classifies (and the two variants) has an explanation
// and a next step for every operation, and nothing here is for a code qfpay does not know.
func TestEveryCodeHasWords(t *testing.T) {
	for _, code := range codeNames() {
		for _, op := range Ops {
			if w := codeTexts[code][group(op)]; w.Explanation == "" && codeTexts[code][""].Explanation == "" {
				t.Errorf("code %s has no words for a %s", code, op)
			}
		}
	}
	if len(codeTexts) != len(respcd.Known())+2 {
		t.Errorf("%d code texts for %d codes", len(codeTexts), len(respcd.Known()))
	}
	en := New(language.English)
	for resperr, want := range map[string]string{"refunds are not available between 23:30 and 00:30": "QFPay refuses refunds between 23:30 and 00:30",
		"refund period exceeded": "its refund period is over"} {
		exp, next := en.Code(OpRefund, "1265", resperr)
		// Both meanings are always shown (D9′).
		if !strings.Contains(exp, want) || !strings.Contains(exp, "23:30") || !strings.Contains(exp, "period") || next == "" {
			t.Errorf("1265 %q: %q %q", resperr, exp, next)
		}
	}
	if exp, _ := en.Code(OpRefund, "9999", ""); exp != string(codeTexts["unknown"][""].Explanation) {
		t.Errorf("unknown code: %q", exp)
	}
}

// opWords are the words that name each operation the cashier starts, per language.
var opWords = map[language.Tag]map[string][]string{
	language.English:            {"refund": {"refund"}, "cancel": {"cancel", "reversal"}},
	language.TraditionalChinese: {"refund": {"退款"}, "cancel": {"取消", "沖正", "關單"}},
	language.SimplifiedChinese:  {"refund": {"退款"}, "cancel": {"取消", "冲正", "关单"}},
}

// tryAgain is "try again" in each language.
var tryAgain = map[language.Tag]string{language.English: "try again", language.TraditionalChinese: "再試", language.SimplifiedChinese: "再试"}

// doNotRepeat is "do not refund again" and "do not cancel again" in each language.
var doNotRepeat = map[language.Tag]map[string]string{
	language.English:            {"refund": "do not refund again", "cancel": "do not cancel again"},
	language.TraditionalChinese: {"refund": "切勿重複退款", "cancel": "切勿重複取消"},
	language.SimplifiedChinese:  {"refund": "切勿重复退款", "cancel": "切勿重复取消"},
}

// TestEveryCodeInItsOperationsWords lists every (code, operation) pair in every language
// (testdata/code-words.golden, -update rewrites it) and checks each text: a refund's never names
// a cancel (unless the code says the sale was not paid: cancel it instead), a cancel's never a
// refund (unless the code says the sale was paid: refund it instead), a query's names neither; a
// final code never says to try again; a code still in flight says not to do it again, in the
// operation's words.
func TestEveryCodeInItsOperationsWords(t *testing.T) {
	var golden strings.Builder
	for _, code := range codeNames() {
		info := respcd.Lookup(code, "")
		if code == "1265-night" {
			info = respcd.Lookup("1265", "23:30")
		}
		for _, op := range Ops {
			g := group(op)
			for _, tag := range Languages {
				exp, next := New(tag).Code(op, code, "")
				if code == "1265-night" {
					exp, next = New(tag).Code(op, "1265", "refunds are not available between 23:30 and 00:30")
				}
				text := exp + " " + next
				lower := strings.ToLower(text)
				fmt.Fprintf(&golden, "%s %s %s: %s\n", code, op, tag, text)
				for other, words := range opWords[tag] {
					if other == g {
						continue
					}
					allowed := (g == "refund" && info.NotPaid) || (g == "cancel" && info.SalePaid)
					for _, w := range words {
						if strings.Contains(lower, w) && !allowed {
							t.Errorf("%s on a %s (%s) names %q: %s", code, op, tag, w, text)
						}
					}
				}
				if info.Class == respcd.Final && strings.Contains(lower, tryAgain[tag]) {
					t.Errorf("%s is final but on a %s (%s) says to try again: %s", code, op, tag, text)
				}
				if (info.Class == respcd.Pending || info.Class == respcd.Unknown) && g != OpQuery &&
					!strings.Contains(lower, doNotRepeat[tag][g]) {
					t.Errorf("%s is in flight but on a %s (%s) does not say %q: %s", code, op, tag, doNotRepeat[tag][g], text)
				}
			}
		}
	}
	path := filepath.Join("testdata", "code-words.golden")
	if *update {
		if err := os.WriteFile(path, []byte(golden.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./ui/catalog -update)", err)
	}
	if golden.String() != string(want) {
		t.Errorf("the code words changed; read the diff of go test ./ui/catalog -update")
	}
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestChineseCatalogsAreComplete: every key has a non-empty translation in both Chinese catalogs
// with the same format verbs in the same order; every code has its words in both; two codes
// that share English words share their translation; and the language a locale names is matched.
func TestChineseCatalogsAreComplete(t *testing.T) {
	for _, c := range []struct {
		tag   language.Tag
		msgs  map[Key]string
		codes map[string][2]string
	}{{language.TraditionalChinese, zhHant, zhHantCodes}, {language.SimplifiedChinese, zhHans, zhHansCodes}} {
		all := Translations[c.tag]
		for _, k := range All() {
			v, ok := all[k]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q has no translation", c.tag, k)
				continue
			}
			if a, b := verb.FindAllString(string(k), -1), verb.FindAllString(v, -1); strings.Join(a, " ") != strings.Join(b, " ") {
				t.Errorf("%s: %q has verbs %v, its translation %q has %v", c.tag, k, a, v, b)
			}
		}
		if err := Check(c.msgs); err != nil {
			t.Errorf("%s: %v", c.tag, err)
		}
		n := 0
		for code, byOp := range codeTexts {
			for op := range byOp {
				n++
				if tr, ok := c.codes[codeKey(code, op)]; !ok || tr[0] == "" || tr[1] == "" {
					t.Errorf("%s: code %s has no words", c.tag, codeKey(code, op))
				}
			}
		}
		// Two codes that say the same in English say the same here.
		said := map[Key]string{}
		for code, byOp := range codeTexts {
			for op, en := range byOp {
				tr := c.codes[codeKey(code, op)]
				for i, k := range []Key{en.Explanation, en.Next} {
					if prev, ok := said[k]; ok && prev != tr[i] {
						t.Errorf("%s: %q is %q in one code and %q in %s", c.tag, k, prev, tr[i], codeKey(code, op))
					}
					said[k] = tr[i]
				}
			}
		}
		if len(c.codes) != n {
			t.Errorf("%s: %d code texts for %d", c.tag, len(c.codes), n)
		}
		p := New(c.tag)
		if got := p.T(StatusUnknown); got == string(StatusUnknown) {
			t.Errorf("%s: the printer does not translate", c.tag)
		}
		if exp, _ := p.Code(OpRefund, "1272", ""); !strings.Contains(exp, "QFPay") || exp == string(codeTexts["1272"]["refund"].Explanation) {
			t.Errorf("%s: code 1272 is %q", c.tag, exp)
		}
	}
	if got := New(language.TraditionalChinese).T(StatusUnknown); got != "結果未明 — 仍在查詢，切勿重複退款。" {
		t.Errorf("zh-Hant: %q", got)
	}
	for locale, want := range map[string]language.Tag{"zh-HK": language.TraditionalChinese, "zh-MO": language.TraditionalChinese,
		"zh-TW": language.TraditionalChinese, "zh-CN": language.SimplifiedChinese, "zh-SG": language.SimplifiedChinese,
		"zh": language.SimplifiedChinese, "en-GB": language.English, "fr-FR": language.English, "und": language.English} {
		if got := Match(language.MustParse(locale)); got != want {
			t.Errorf("%s matched %s, want %s", locale, got, want)
		}
	}
}

// TestPayMethodsInChinese: every pay type qfpos knows has a name in both Chinese catalogs; an
// unknown one is named by its code; a report's English name is translated.
func TestPayMethodsInChinese(t *testing.T) {
	for _, tag := range []language.Tag{language.TraditionalChinese, language.SimplifiedChinese} {
		for _, c := range paytype.Codes() {
			if payMethods[tag][c] == "" {
				t.Errorf("%s: pay type %s (%s) has no name", tag, c, paytype.Name(c))
			}
		}
		if len(payMethods[tag]) != len(paytype.Codes()) {
			t.Errorf("%s: %d names for %d pay types", tag, len(payMethods[tag]), len(paytype.Codes()))
		}
	}
	hant, en := New(language.TraditionalChinese), New(language.English)
	for _, c := range []struct {
		p          *Printer
		code, want string
	}{{hant, "800208", "微信支付"}, {hant, "802001", "轉數快"}, {en, "800208", "WeChat Pay"}, {hant, "123456", "付款類別 123456"},
		{en, "123456", "Pay type 123456"}} {
		if got := c.p.PayMethod(c.code); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.p.Language(), c.code, got, c.want)
		}
	}
	if got := hant.PayMethodNamed("Alipay HK QR"); got != "支付寶香港（二維碼）" {
		t.Errorf("named: %q", got)
	}
	if got := hant.PayMethodNamed("Something else"); got != "Something else" {
		t.Errorf("unknown name: %q", got)
	}
}
