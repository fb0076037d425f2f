package cli

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qfpos/ui/catalog"
)

// TestCLIWordsAreInTheCatalog reads the command line's source: every line it says (say, says,
// usage, a printer's T) is a key of the catalog, so it has its words in every language; and no string with
// words reaches a writer or an error any other way, except where a comment marks the line as
// machine-read (CSV, JSON, the audit table's columns, configuration lines) or as a command's help
// text.
func TestCLIWordsAreInTheCatalog(t *testing.T) {
	known := map[catalog.Key]bool{}
	for _, k := range catalog.All() {
		known[k] = true
	}
	files, _ := filepath.Glob("*.go")
	used := map[catalog.Key]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "docs.go" { // docs.go: the manual pages' help text
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		marked := map[int]bool{} // lines a comment marks as machine-read or help text
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.Contains(c.Text, "machine-read") || strings.Contains(c.Text, "help text") {
					marked[fset.Position(c.Pos()).Line] = true
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			line := fset.Position(call.Pos()).Line
			name, keyArg := callee(call)
			switch name {
			case "say", "says", "usage", "T":
				lit, ok := call.Args[keyArg].(*ast.BasicLit)
				if id, isIdent := call.Args[keyArg].(*ast.Ident); name == "T" && !ok || isIdent && id.Name == "key" {
					return true // a catalog constant, or say and usage passing their key on
				}
				if !ok {
					t.Errorf("%s:%d: %s with a key that is not a literal", fset.Position(call.Pos()).Filename, line, name)
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				used[catalog.Key(key)] = true
				if hasWords(key) && !known[catalog.Key(key)] {
					t.Errorf("%s:%d: %q is not in the catalog (ui/catalog/cli.go)", name, line, key)
				}
			case "Fprintf", "Fprintln", "Fprint", "Sprintf", "Errorf", "New", "Printf", "Println":
				if marked[line] || marked[line-1] {
					return true
				}
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, _ := strconv.Unquote(lit.Value); hasWords(s) {
							t.Errorf("%s:%d: %q is written in English only: say it with a catalog key", fset.Position(call.Pos()).Filename, line, s)
						}
					}
				}
			}
			return true
		})
	}
	for _, c := range cobraErrors {
		used[c.key] = true
		if !known[c.key] {
			t.Errorf("cobra's %q is not in the catalog (ui/catalog/cli.go)", c.key)
		}
	}
	for _, k := range catalog.CLIKeys() {
		if !used[k] {
			t.Errorf("catalog key %q is not said by the command line (remove it from ui/catalog/cli.go)", k)
		}
	}
}

// callee is a call's function name and which argument is the key of say (w, key, …), says and
// usage (key, …).
func callee(call *ast.CallExpr) (string, int) {
	var name string
	switch f := call.Fun.(type) {
	case *ast.Ident:
		name = f.Name
	case *ast.SelectorExpr:
		name = f.Sel.Name
	}
	if name == "say" && len(call.Args) > 1 {
		return name, 1
	}
	if (name == "says" || name == "usage" || name == "T") && len(call.Args) > 0 {
		return name, 0
	}
	if name == "say" || name == "says" || name == "usage" || name == "T" {
		return "", 0
	}
	return name, 0
}

var (
	verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?(\[\d+\])?[a-zA-Z%]|--?[a-z][a-z-]*`)
	word  = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// hasWords: a text holds a word a reader reads (not only verbs, flags and punctuation).
func hasWords(s string) bool {
	return word.MatchString(verbs.ReplaceAllString(s, ""))
}

func TestHasWords(t *testing.T) {
	for s, want := range map[string]bool{"--%s %s: %v": false, "%s:%d: %s": false, "%v (qfpos help %s)": true,
		"nothing to resume": true, "%d\t%s\n": false, "  %s": false} {
		if got := hasWords(s); got != want {
			t.Errorf("hasWords(%q) = %v", s, got)
		}
	}
}

// lowerLayers are the files whose errors reach the command line's reader: what was typed or
// configured (an amount, a sale's field, a CSV file, a PIN, a reason, the configuration) and the
// journal's file.
var lowerLayers = []string{"../qfpay/money/money.go", "../storage/sale.go", "../storage/importcsv.go", "../storage/staff.go",
	"../storage/text.go", "../storage/rules.go", "../storage/journal.go", "../storage/guard.go", "../reversal/reasons.go",
	"config/config.go", "config/lang.go"}

// TestLowerLayerErrorsAreInTheCatalog reads those files: every error format with words (fmt.Errorf,
// errors.New, the configuration's bad, a DamagedError's text, a CSV row's reason) is in ui/catalog/errors_table.go, so
// catalog.ErrorText says it in every language.
func TestLowerLayerErrorsAreInTheCatalog(t *testing.T) {
	known := map[catalog.Key]bool{}
	for _, k := range catalog.ErrorKeys() {
		known[k] = true
	}
	fset := token.NewFileSet()
	n := 0
	for _, name := range lowerLayers {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := -1
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				switch {
				case fn.Sel.Name == "Errorf", fn.Sel.Name == "New" && fmt.Sprint(fn.X) == "errors",
					fn.Sel.Name == "Sprintf" && (strings.HasSuffix(name, "guard.go") || strings.HasSuffix(name, "importcsv.go")):
					arg = 0
				}
			case *ast.Ident:
				if fn.Name == "bad" {
					arg = 2
				}
			}
			if arg < 0 || len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			if !hasWords(s) || s == "stop" { // "stop": a walk's own signal, never shown
				return true
			}
			n++
			if !known[catalog.Key(s)] {
				t.Errorf("%s: %q is not in ui/catalog/errors_table.go", fset.Position(call.Pos()), s)
			}
			return true
		})
	}
	if n < 100 {
		t.Errorf("only %d error formats found: the files moved?", n)
	}
}
