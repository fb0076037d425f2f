package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"qfpos/reversal"
	"qfpos/storage"
	"qfpos/ui/catalog"
)

// TestApprovalRulesInEveryLanguage: the limits' description and every rule that asks for an
// approval are said in Chinese, with amounts, the cashier's name and the age carried as they are.
func TestApprovalRulesInEveryLanguage(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	all := storage.Limits{Currency: "HKD", ApprovalOver: 50000, CashierDaily: 100000, MaxSaleAge: 90 * 24 * time.Hour, OtherCashier: true}
	rules := []string{reversal.DescribeLimits(all), reversal.DescribeLimits(storage.Limits{}),
		reversal.DescribeLimits(storage.Limits{MaxSaleAge: 36 * time.Hour})}
	sale := storage.SaleView{Sale: storage.Sale{Currency: "HKD", Time: now.Add(-24 * time.Hour), Cashier: "bob"}}
	for _, c := range []struct {
		l      storage.Limits
		amount int64
		today  int64
		sale   storage.SaleView
	}{
		{storage.Limits{Currency: "HKD", ApprovalOver: 50000}, 60000, 0, sale},
		{storage.Limits{Currency: "HKD", CashierDaily: 100000}, 10000, 95000, sale},
		{storage.Limits{MaxSaleAge: 12 * time.Hour}, 100, 0, sale},
		{storage.Limits{OtherCashier: true}, 100, 0, sale},
	} {
		l := reversal.Limits{Limits: c.l, Now: func() time.Time { return now },
			RefundsToday: func(string) (int64, error) { return c.today, nil }}
		rule, err := l.NeedsApproval(c.sale, c.amount, "amy")
		if err != nil || rule == "" {
			t.Fatalf("%+v: %q %v", c.l, rule, err)
		}
		rules = append(rules, rule)
	}
	english := regexp.MustCompile(`[a-z]{2,}`)
	for _, tag := range []language.Tag{language.TraditionalChinese, language.SimplifiedChinese} {
		p := catalog.New(tag)
		for _, rule := range rules {
			got := p.Rule(rule)
			rest := strings.NewReplacer("amy", "", "bob", "", "h0m0s", "").Replace(got)
			if got == rule || english.MatchString(rest) {
				t.Errorf("%s: %q is said %q", tag, rule, got)
			}
		}
	}
	if got := catalog.New(language.English).Rule(rules[0]); got != rules[0] {
		t.Errorf("English: %q became %q", rules[0], got)
	}
}
