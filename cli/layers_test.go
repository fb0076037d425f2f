package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// layer ranks the packages of the module: a package imports only packages of a lower rank, so
// the imports run one way (the README's package map).
var layer = map[string]int{
	"qfpos":                       90,
	"qfpos/cli":                   80,
	"qfpos/cli/config":            70,
	"qfpos/cli/relay":             70,
	"qfpos/ui/demo":               70,
	"qfpos/ui":                    60,
	"qfpos/ui/receipt":            55,
	"qfpos/ui/catalog":            50,
	"qfpos/ui/receipt/escpos":     5,
	"qfpos/reversal/report":       40,
	"qfpos/reversal/reversaltest": 35,
	"qfpos/reversal":              30,
	"qfpos/qfpay/qfpaytest":       25,
	"qfpos/storage":               20,
	"qfpos/storage/storagetest":   15,
	"qfpos/qfpay":                 10,
	"qfpos/qfpay/money":           5,
	"qfpos/qfpay/respcd":          5,
	"qfpos/qfpay/paytype":         5,
}

// forbidden are imports that the layers alone would allow but the design does not.
var forbidden = map[string][]string{
	"qfpos/storage":    {"qfpos/qfpay", "net/http"},
	"qfpos/qfpay":      {"go.etcd.io/bbolt"},
	"qfpos/ui":         {"go.etcd.io/bbolt", "net/http", "qfpos/qfpay/qfpaytest"},
	"qfpos/ui/catalog": {"qfpos/reversal", "qfpos/storage"},
	"qfpos/cli/relay":  {"qfpos/reversal", "qfpos/storage", "qfpos/qfpay", "qfpos/ui", "go.etcd.io/bbolt", "net/http"},
}

// TestImportsRunOneWay checks every package's imports against the layers, and that the qfpos
// binary links no test package.
func TestImportsRunOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "qfpos/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		rank, ok := layer[pkg]
		if !ok {
			t.Errorf("package %s has no place in the layers (add it to the README's package map and here)", pkg)
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if r, ours := layer[imp]; ours && r >= rank {
				t.Errorf("%s imports %s: imports must run down the layers", pkg, imp)
			}
			for _, f := range forbidden[pkg] {
				if imp == f {
					t.Errorf("%s imports %s", pkg, imp)
				}
			}
		}
	}
	deps, err := exec.Command("go", "list", "-deps", "qfpos").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(deps)) {
		if dep == "testing" || dep == "net/http/httptest" || strings.HasSuffix(dep, "/reversaltest") {
			t.Errorf("the qfpos binary links %s", dep)
		}
	}
}
