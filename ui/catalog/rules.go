package catalog

import (
	"strings"
	"sync"
)

// ruleTexts are the phrases of the approval limits as reversal writes them (DescribeLimits, and the
// rule NeedsApproval names, which an approval's audit event keeps), in the three languages. Rule
// shows one in the printer's language; amounts, names and durations are carried as they are.
var ruleTexts = []tableText{
	{"approval for %s", "須經理批准：%s", "须经理批准：%s"},
	{"no refund needs an approval", "退款無須經理批准", "退款无须经理批准"},
	{"a refund above %s", "退款高於 %s", "退款高于 %s"},
	{"%s's refunds today above %s", "%s 今日退款累計高於 %s", "%s 今日退款累计高于 %s"},
	{"a sale older than %s", "超過 %s的交易", "超过 %s的交易"},
	{"a sale of another cashier (%s)", "其他收銀員的交易（%s）", "其他收银员的交易（%s）"},
	{"a sale of another cashier", "其他收銀員的交易", "其他收银员的交易"},
	{"a cashier", "收銀員", "收银员"},
	{"%s days", "%s 天", "%s 天"},
}

var rulePatterns = sync.OnceValue(func() []textPattern { return compile(ruleTexts) })

// Rule is an approval rule or the limits' description in the printer's language; a phrase it does
// not know is shown as written.
func (p *Printer) Rule(rule string) string {
	if rest, ok := strings.CutPrefix(rule, "approval for "); ok {
		parts := strings.Split(rest, ", ")
		for i, part := range parts {
			parts[i] = p.Rule(part)
		}
		return p.T("approval for %s", p.Join(parts))
	}
	for _, pat := range rulePatterns() {
		m := pat.re.FindStringSubmatch(rule)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, v := range m[1:] {
			args[i] = v
			if v == "a cashier" {
				args[i] = p.T("a cashier")
			} else if d, ok := strings.CutSuffix(v, " days"); ok {
				args[i] = p.T("%s days", d)
			}
		}
		return p.T(pat.key, args...)
	}
	return rule
}
