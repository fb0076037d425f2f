package ui

import (
	"github.com/charmbracelet/bubbles/key"

	"qfpos/ui/catalog"
)

// keyMap is every binding; each screen enables the ones that apply (disabled keys are also
// hidden from help).
type keyMap struct {
	Up, Down, PageUp, PageDown, Open, Find, Clear, Today, Refund, Cancel, Back key.Binding
	NextField, PrevField, ReasonPrev, ReasonNext, Continue, Send, Dismiss      key.Binding
	PrevDay, NextDay, Recheck, Quit, ForceQuit, Help, Yes, No, Digits          key.Binding
}

func defaultKeyMap(t func(catalog.Key, ...any) string) keyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	km := keyMap{
		Up:         b(t(catalog.HelpUp), "up", "k"),
		Down:       b(t(catalog.HelpDown), "down", "j"),
		PageUp:     b(t(catalog.HelpUp), "pgup"),
		PageDown:   b(t(catalog.HelpMore), "pgdown"),
		Open:       b(t(catalog.HelpOpen), "enter"),
		Find:       b(t(catalog.HelpFind), "/"),
		Clear:      b(t(catalog.HelpClear), "esc"),
		Today:      b(t(catalog.HelpToday), "t"),
		Refund:     b(t(catalog.HelpRefund), "r"),
		Cancel:     b(t(catalog.HelpCancel), "c"),
		Back:       b(t(catalog.HelpBack), "esc"),
		NextField:  b(t(catalog.HelpNextField), "tab"),
		PrevField:  b(t(catalog.HelpNextField), "shift+tab"),
		ReasonPrev: b(t(catalog.HelpReason), "left"),
		ReasonNext: b(t(catalog.HelpReason), "right"),
		Continue:   b(t(catalog.HelpContinue), "enter"),
		Send:       b(t(catalog.HelpSend), "enter", "y"),
		Dismiss:    b(t(catalog.HelpDismiss), "x"),
		PrevDay:    b(t(catalog.HelpPrevDay), "left", "h"),
		NextDay:    b(t(catalog.HelpNextDay), "right", "l"),
		Recheck:    b(t(catalog.HelpRecheck), "enter"),
		Quit:       b(t(catalog.HelpQuit), "q"),
		ForceQuit:  key.NewBinding(key.WithKeys("ctrl+c")),
		Help:       b(t(catalog.HelpHelp), "?"),
		Yes:        key.NewBinding(key.WithKeys("y", "Y")),
		No:         key.NewBinding(key.WithKeys("n", "N", "esc")),
		Digits:     b(t(catalog.HelpDigits), "0-9"),
	}
	km.Digits.SetKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ".")
	km.PageUp.SetHelp("pgup", t(catalog.HelpUp))
	km.PrevField.SetHelp("shift+tab", t(catalog.HelpNextField))
	km.ReasonPrev.SetHelp("←/→", t(catalog.HelpReason))
	km.Up.SetHelp("↑/k", t(catalog.HelpUp))
	km.Down.SetHelp("↓/j", t(catalog.HelpDown))
	km.Send.SetHelp("enter", t(catalog.HelpSend))
	km.PrevDay.SetHelp("←", t(catalog.HelpPrevDay))
	km.NextDay.SetHelp("→", t(catalog.HelpNextDay))
	return km
}
