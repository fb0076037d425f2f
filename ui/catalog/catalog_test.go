package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

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
			if !listed[Key(strings.Trim(lit, `"`))] {
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
	Translations[language.TraditionalChinese] = map[Key]string{QFPayOK: "QFPay 連線正常", TitleSale: "交易 %s"}
	defer delete(Translations, language.TraditionalChinese)
	if err := Check(Translations[language.TraditionalChinese]); err != nil {
		t.Fatal(err)
	}
	builder = newBuilder()
	defer func() { builder = newBuilder() }()
	zh := New(language.TraditionalChinese)
	if got := zh.T(TitleSale, "123"); got != "交易 123" {
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
	exp, next := en.Code("1272", "")
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
