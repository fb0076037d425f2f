package catalog

import (
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// TestErrorTextsInEveryLanguage: every lower layer's error format has both translations, with
// its verbs in the same order, in the right script.
func TestErrorTextsInEveryLanguage(t *testing.T) {
	seen := map[Key]bool{}
	for _, e := range errorTexts {
		if seen[e.en] {
			t.Errorf("%q listed twice", e.en)
		}
		seen[e.en] = true
		want := strings.Join(verb.FindAllString(string(e.en), -1), " ")
		for _, tr := range []string{e.hant, e.hans} {
			if strings.TrimSpace(tr) == "" || strings.Join(verb.FindAllString(tr, -1), " ") != want {
				t.Errorf("%q: translation %q (verbs %v)", e.en, tr, want)
			}
		}
	}
}

// TestScripts: no Simplified character in a Traditional text and none of the Traditional ones in
// a Simplified text, across every table (a pair of forms that differ is enough to catch a text
// written in the other script).
func TestScripts(t *testing.T) {
	const hans, hant = "们这个误请发错数时会设没说经单读写档据还无关开图网统项条为应过显后进选报认证输级让", "們這個誤請發錯數時會設沒說經單讀寫檔據還無關開圖網統項條為應過顯後進選報認證輸級讓"
	for _, lang := range []struct {
		tag   language.Tag
		col   int
		wrong string
	}{{language.TraditionalChinese, 0, hans}, {language.SimplifiedChinese, 1, hant}} {
		texts := map[string]string{}
		for _, k := range All() {
			texts[string(k)] = Translations[lang.tag][k]
		}
		for _, e := range errorTexts {
			texts["error "+string(e.en)] = [2]string{e.hant, e.hans}[lang.col]
		}
		for k, text := range texts {
			if i := strings.IndexAny(text, lang.wrong); i >= 0 {
				t.Errorf("%s: %q has %q, a character of the other script: %q", lang.tag, k, []rune(text[i:])[0], text)
			}
		}
	}
}

// TestErrorTextSaysNestedErrors: a lower layer's message is said in the language, values as they
// are, a message inside another in turn, and a place before ": " kept as written.
func TestErrorTextSaysNestedErrors(t *testing.T) {
	hant, hans := New(language.TraditionalChinese), New(language.SimplifiedChinese)
	for _, c := range []struct {
		p        *Printer
		msg, say string
		ok       bool
	}{
		{hant, `amount "abc" is not a number like 12.50`, `金額 "abc" 不是像 12.50 的數字`, true},
		{hans, `currency "XYZ" is not one QFPay supports (AED, HKD)`, `QFPay 不支持货币 "XYZ"（支持：AED, HKD）`, true},
		{hant, `staff id "a b" has ' '; use letters, digits, '.', '-' or '_'`, `員工編號 "a b" 含有 ' '；請用字母、數字、'.'、'-' 或 '_'`, true},
		{hant, `config /etc/q.toml:12: terminal.timezone: "Mars" is not a time zone name like Asia/Hong_Kong`,
			`設定檔 /etc/q.toml:12：terminal.timezone："Mars" 不是像 Asia/Hong_Kong 的時區名稱`, true},
		{hans, `sales.csv: the header names column "txamt" twice`, `sales.csv：标题行重复了 "txamt" 列`, true},
		{hant, `open x.csv: no such file or directory`, `無法開啟 x.csv：沒有此檔案或目錄`, true},
		{hant, `bare " in non-quoted field`, `bare " in non-quoted field`, false},
		{New(language.English), `amount is empty`, `amount is empty`, false},
	} {
		got, ok := c.p.ErrorText(c.msg)
		if got != c.say || ok != c.ok {
			t.Errorf("%s %q:\n got %q %v\nwant %q %v", c.p.Language(), c.msg, got, ok, c.say, c.ok)
		}
	}
}
