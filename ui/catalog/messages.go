package catalog

// The cashier-facing messages. Each constant's value is its English text and its catalog key.
const (
	// Header and banners.
	Demo               Key = "DEMO — no real money"
	EnvSandbox         Key = "SANDBOX"
	EnvLiveTest        Key = "LIVE TEST"
	EnvProduction      Key = "PRODUCTION"
	EnvCustom          Key = "GATEWAY %s"
	HeaderTerminal     Key = "Terminal %s"
	HeaderCashier      Key = "Cashier %s"
	HeaderNoCashier    Key = "No cashier set"
	QFPayOK            Key = "QFPay reachable"
	QFPayDown          Key = "QFPay unreachable"
	QFPayNotYet        Key = "QFPay not contacted yet"
	Loading            Key = "Loading…"
	JournalError       Key = "Could not read the journal: %s"
	QuitInFlight       Key = "%d refund(s) or cancel(s) still in flight. They resume next time qfpos starts. Quit? (y/n)"
	TitleSales         Key = "Recent sales — last %d days"
	TitleSale          Key = "Sale %s"
	TitleRefund        Key = "Refund sale %s"
	TitleConfirmRefund Key = "Send this refund?"
	TitleCancel        Key = "Cancel sale %s?"
	TitleToday         Key = "Refunds and cancels on %s"
	TitleStatus        Key = "In flight"

	// Sales list.
	FindPrompt    Key = "Find: type an amount (12.50) or the last digits of a reference; / to search by pay method"
	FindingBy     Key = "Find: %s"
	ColTime       Key = "Time"
	ColAmount     Key = "Amount"
	ColPaidWith   Key = "Paid with"
	ColSysSN      Key = "Ref."
	ColOrder      Key = "Order"
	ColStatus     Key = "Status"
	NoSales       Key = "No sales in the last %d days. Record them with qfpos sales add or qfpos sales import."
	NoMatch       Key = "No sales match %q."
	MoreBelow     Key = "Older sales load as you scroll."
	StatePaid     Key = "paid"
	StateUnpaid   Key = "unpaid"
	StateFailedPy Key = "payment failed"
	StatePartly   Key = "part refunded, %s left"
	StateRefunded Key = "refunded"
	StateCancel   Key = "cancelled"
	StateBusy     Key = "reversal in progress"

	// Sale screen.
	FieldRef        Key = "QFPay ref."
	FieldRefunded   Key = "Refunded"
	FieldLeft       Key = "Left to refund"
	FieldTerminal   Key = "Terminal"
	FieldReason     Key = "Reason"
	FieldEndpoint   Key = "Sent to"
	CanRefund       Key = "Refund: up to %s can be refunded."
	CardToday       Key = "Card paid today: a refund today is a void and must be the full amount."
	CanCancel       Key = "Unpaid %s order: cancel closes it; nothing was charged."
	RefundBusy      Key = "A refund is already in progress — wait for it to finish."
	CancelBusy      Key = "A cancel is already in progress — wait for it to finish."
	NothingLeft     Key = "Fully refunded: nothing left to refund."
	AlreadyCancel   Key = "Cancelled: nothing more to do."
	PaymentFailed   Key = "The payment failed: there is nothing to refund or cancel."
	PaidNoCancel    Key = "Paid sales cannot be cancelled; refund instead."
	UnpaidNoRefund  Key = "Not paid, so nothing can be refunded."
	History         Key = "Refunds and cancels of this sale"
	HistoryNone     Key = "None yet."
	HistoryRow      Key = "%s  %s %s  %s"
	EventsTitle     Key = "What happened"
	ReasonDamaged   Key = "Damaged item"
	ReasonWrong     Key = "Wrong item"
	ReasonMind      Key = "Customer changed their mind"
	ReasonPrice     Key = "Price adjustment"
	ReasonOther     Key = "Other"
	ReasonHint      Key = "←/→ choose a reason, or type your own"
	AmountHint      Key = "Amount in %s; at most %s"
	BadAmount       Key = "Enter an amount like %s."
	TooMuch         Key = "At most %s can be refunded."
	NotPositive     Key = "The amount must be more than zero."
	FullOnly        Key = "Card paid today: refund the full amount, %s."
	ConfirmSend     Key = "Enter sends it; Esc goes back to change it."
	CancelEndpoint  Key = "QFPay cancels %s orders through %s."
	CancelGuess     Key = "QFPay lists no cancel endpoint for %s: qfpos tries /trade/v1/reversal, then /trade/v1/close."
	NothingCharged  Key = "Nothing was charged for this order."
	ErrInFlight     Key = "Another refund or cancel of this sale is still in progress."
	ErrOverRefund   Key = "That is more than is left to refund (%s)."
	ErrNotPaid      Key = "The sale was not paid, so it cannot be refunded."
	ErrCompleted    Key = "A paid sale cannot be cancelled: refund it instead."
	ErrCancelled    Key = "The sale was already cancelled."
	ErrNothingLeft  Key = "Nothing is left to refund on this sale."
	ErrFullToday    Key = "A card sale refunded on its own day must be refunded in full."
	ErrStart        Key = "Could not start: %s"
	Started         Key = "%s of %s started."
	KindRefund      Key = "Refund"
	KindCancel      Key = "Cancel"
	StatusSending   Key = "Sending"
	StatusWaiting   Key = "Waiting for QFPay"
	StatusSucceeded Key = "Succeeded"
	StatusFailed    Key = "Failed: %s %s"
	StatusUnknown   Key = "Outcome unknown — still checking. Do not refund again."
	StatusAttempt   Key = "attempt %d"
	StatusNext      Key = "next check in %s"
	StatusElapsed   Key = "%s elapsed"
	StatusRef       Key = "QFPay %s"
	StatusNone      Key = "No refunds or cancels in flight."

	// Today.
	TodayNone      Key = "No refunds or cancels on this day."
	ColKind        Key = "Kind"
	ColState       Key = "State"
	ColCashier     Key = "Cashier"
	TotalRefunded  Key = "Refunded: %d, %s"
	TotalCancelled Key = "Cancelled: %d, %s"
	TotalOpen      Key = "In progress or unknown: %d, %s"
	TotalFailed    Key = "Failed: %d"
	WordSucceeded  Key = "succeeded"
	WordFailed     Key = "failed"
	WordUnknown    Key = "unknown"
	WordInProgress Key = "in progress"
	WordPending    Key = "sending"
	HelpUp         Key = "up"
	HelpDown       Key = "down"
	HelpOpen       Key = "open"
	HelpFind       Key = "find by pay method"
	HelpClear      Key = "clear"
	HelpToday      Key = "today"
	HelpRefund     Key = "refund"
	HelpCancel     Key = "cancel sale"
	HelpBack       Key = "back"
	HelpQuit       Key = "quit"
	HelpHelp       Key = "help"
	HelpNextField  Key = "next field"
	HelpReason     Key = "reason"
	HelpContinue   Key = "continue"
	HelpSend       Key = "send"
	HelpDismiss    Key = "clear finished"
	HelpPrevDay    Key = "previous day"
	HelpNextDay    Key = "next day"
	HelpRecheck    Key = "check now"
	HelpMore       Key = "older sales"
	HelpDigits     Key = "find by amount or digits"
)

var messages = []Key{
	Demo, EnvSandbox, EnvLiveTest, EnvProduction, EnvCustom, HeaderTerminal, HeaderCashier, HeaderNoCashier,
	QFPayOK, QFPayDown, QFPayNotYet, Loading, JournalError, QuitInFlight, TitleSales, TitleSale, TitleRefund,
	TitleConfirmRefund, TitleCancel, TitleToday, TitleStatus, FindPrompt, FindingBy, ColTime, ColAmount,
	ColPaidWith, ColSysSN, ColOrder, ColStatus, NoSales, NoMatch, MoreBelow, StatePaid, StateUnpaid,
	StateFailedPy, StatePartly, StateRefunded, StateCancel, StateBusy,
	FieldRef, FieldRefunded, FieldLeft, FieldTerminal, FieldReason, FieldEndpoint,
	CanRefund, CardToday, CanCancel, RefundBusy, CancelBusy, NothingLeft, AlreadyCancel,
	PaymentFailed, PaidNoCancel, UnpaidNoRefund, History, HistoryNone, HistoryRow, EventsTitle, ReasonDamaged,
	ReasonWrong, ReasonMind, ReasonPrice, ReasonOther, ReasonHint, AmountHint, BadAmount, TooMuch, NotPositive,
	FullOnly, ConfirmSend, CancelEndpoint, CancelGuess, NothingCharged, ErrInFlight, ErrOverRefund, ErrNotPaid,
	ErrCompleted, ErrCancelled, ErrNothingLeft, ErrFullToday, ErrStart, Started, KindRefund, KindCancel,
	StatusSending, StatusWaiting, StatusSucceeded, StatusFailed, StatusUnknown, StatusAttempt, StatusNext,
	StatusElapsed, StatusRef, StatusNone, TodayNone, ColKind, ColState, ColCashier, TotalRefunded,
	TotalCancelled, TotalOpen, TotalFailed, WordSucceeded, WordFailed, WordUnknown, WordInProgress, WordPending,
	HelpUp, HelpDown, HelpOpen, HelpFind, HelpClear, HelpToday, HelpRefund, HelpCancel, HelpBack, HelpQuit,
	HelpHelp, HelpNextField, HelpReason, HelpContinue, HelpSend, HelpDismiss, HelpPrevDay, HelpNextDay,
	HelpRecheck, HelpMore, HelpDigits,
}
