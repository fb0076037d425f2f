package ui

import (
	"github.com/charmbracelet/bubbles/key"

	"qfpos/ui/catalog"
)

// Every screen owns its key map (bubbles' list does the same). Bindings that do not apply now are
// disabled with SetEnabled, which also hides them from the help: the help only ever shows keys
// that work. While a text field has focus, printable keys are typed into it, so the commands
// (q, ?, x, t, r…) are disabled there.

type tr func(catalog.Key, ...any) string

func bind(help string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
}

// globalKeys work on every screen.
type globalKeys struct {
	Help, Quit, ForceQuit, Dismiss, Language, Lock, Yes, No key.Binding
	// Print prints the slip of the newest succeeded (or unknown) operation in the status pane. The
	// review has its own p (a filter on its list, the slip of the operation on its timeline).
	Print key.Binding
}

func newGlobalKeys(t tr) globalKeys {
	return globalKeys{
		Help:      bind(t(catalog.HelpHelp), "?"),
		Quit:      bind(t(catalog.HelpQuit), "q"),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c")),
		Dismiss:   bind(t(catalog.HelpDismiss), "x"),
		Language:  bind(t(catalog.HelpLanguage), "L"),
		Lock:      bind(t(catalog.HelpLock), "ctrl+l"),
		Yes:       key.NewBinding(key.WithKeys("y", "Y")),
		No:        key.NewBinding(key.WithKeys("n", "N", "esc")),
		Print:     bind(t(catalog.HelpPrint), "p"),
	}
}

// navKeys move a list's cursor (or scroll a page of text).
type navKeys struct {
	Up, Down, PageUp, PageDown key.Binding
}

func newNavKeys(t tr, letters bool) navKeys {
	n := navKeys{
		Up:       bind(t(catalog.HelpUp), "up"),
		Down:     bind(t(catalog.HelpDown), "down"),
		PageUp:   bind(t(catalog.HelpPageUp), "pgup"),
		PageDown: bind(t(catalog.HelpPageDown), "pgdown"),
	}
	n.Up.SetHelp("↑", t(catalog.HelpUp))
	n.Down.SetHelp("↓", t(catalog.HelpDown))
	if letters { // j and k as well, where no filter uses them
		n.Up.SetKeys("up", "k")
		n.Down.SetKeys("down", "j")
	}
	return n
}

// salesKeys are the start screen's.
type salesKeys struct {
	navKeys
	Open, Refund, Find, Digits, Clear, Today key.Binding
}

func newSalesKeys(t tr) salesKeys {
	k := salesKeys{
		navKeys: newNavKeys(t, true),
		Open:    bind(t(catalog.HelpOpen), "enter"),
		Refund:  bind(t(catalog.HelpRefund), "r"),
		Find:    bind(t(catalog.HelpFind), "/"),
		Digits:  bind(t(catalog.HelpDigits), "0-9"),
		Clear:   bind(t(catalog.HelpClear), "esc"),
		Today:   bind(t(catalog.HelpToday), "t"),
	}
	k.Digits.SetKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".")
	return k
}

// saleKeys are the sale screen's.
type saleKeys struct {
	Refund, Cancel, Back key.Binding
}

func newSaleKeys(t tr) saleKeys {
	return saleKeys{Refund: bind(t(catalog.HelpRefund), "r"), Cancel: bind(t(catalog.HelpCancel), "c"), Back: bind(t(catalog.HelpBack), "esc")}
}

// formKeys are the refund and cancel forms'.
type formKeys struct {
	Continue, Send, NextField, PrevField, ReasonPrev, ReasonNext, Back key.Binding
}

func newFormKeys(t tr) formKeys {
	k := formKeys{
		Continue:   bind(t(catalog.HelpContinue), "enter"),
		Send:       bind(t(catalog.HelpSend), "enter", "y"),
		NextField:  bind(t(catalog.HelpNextField), "tab"),
		PrevField:  bind(t(catalog.HelpNextField), "shift+tab"),
		ReasonPrev: bind(t(catalog.HelpReason), "left"),
		ReasonNext: bind(t(catalog.HelpReason), "right"),
		Back:       bind(t(catalog.HelpBack), "esc"),
	}
	k.Send.SetHelp("enter", t(catalog.HelpSend))
	k.ReasonPrev.SetHelp("←/→", t(catalog.HelpReason))
	return k
}

// todayKeys are the review's: k is the kind filter there, so it does not also move up.
type todayKeys struct {
	navKeys
	Open, PrevDay, NextDay, State, Kind, Pay, Cashier, Store, Recheck, Back, CloseDay, Print key.Binding
	// Days and Filters stand for ← → and s k p a together in the help bar (the full help lists each).
	Days, Filters key.Binding
}

func newTodayKeys(t tr) todayKeys {
	k := todayKeys{
		navKeys: newNavKeys(t, false),
		Open:    bind(t(catalog.HelpOpen), "enter"),
		PrevDay: bind(t(catalog.HelpPrevDay), "left", "h"),
		NextDay: bind(t(catalog.HelpNextDay), "right", "l"),
		State:   bind(t(catalog.HelpStateF), "s"),
		Kind:    bind(t(catalog.HelpKindF), "k"),
		Pay:     bind(t(catalog.HelpPayF), "p"),
		Cashier: bind(t(catalog.HelpCashierF), "a"),
		Store:   bind(t(catalog.HelpStore), "S"),
		Recheck: bind(t(catalog.HelpRecheck), "enter"),
		Back:    bind(t(catalog.HelpBack), "esc"),
		// Z closes the day (a Z report).
		CloseDay: bind(t(catalog.HelpCloseDay), "Z"),
		Print:    bind(t(catalog.HelpPrint), "p"),
	}
	k.PrevDay.SetHelp("←", t(catalog.HelpPrevDay))
	k.NextDay.SetHelp("→", t(catalog.HelpNextDay))
	k.Days = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", t(catalog.HelpDays)))
	k.Filters = key.NewBinding(key.WithKeys("s", "k", "p", "a"), key.WithHelp("s/k/p/a", t(catalog.HelpFilters)))
	return k
}
