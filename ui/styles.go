package ui

import "github.com/charmbracelet/lipgloss"

// Styles is every style of the program, built once from the renderer (which knows the
// terminal's colour profile and background; NO_COLOR turns colours off).
type Styles struct {
	Header    lipgloss.Style
	Badge     lipgloss.Style
	BadgeLive lipgloss.Style
	BadgeDemo lipgloss.Style
	Title     lipgloss.Style
	Muted     lipgloss.Style
	Selected  lipgloss.Style
	OK        lipgloss.Style
	Bad       lipgloss.Style
	Warn      lipgloss.Style
	Pane      lipgloss.Style
	Label     lipgloss.Style
	Input     lipgloss.Style
}

// NewStyles builds the styles for a renderer.
func NewStyles(r *lipgloss.Renderer) Styles {
	fg := lipgloss.AdaptiveColor{Light: "#1a1a1a", Dark: "#eeeeee"}
	muted := lipgloss.AdaptiveColor{Light: "#6b6b6b", Dark: "#8a8a8a"}
	accent := lipgloss.AdaptiveColor{Light: "#005f87", Dark: "#5fafff"}
	green := lipgloss.AdaptiveColor{Light: "#006400", Dark: "#5fd75f"}
	red := lipgloss.AdaptiveColor{Light: "#a40000", Dark: "#ff5f5f"}
	amber := lipgloss.AdaptiveColor{Light: "#875f00", Dark: "#ffaf00"}
	// Badges are light text on the darker light-mode colours and dark text on the brighter dark-mode ones.
	onBadge := lipgloss.AdaptiveColor{Light: "#ffffff", Dark: "#000000"}
	return Styles{
		Header:    r.NewStyle().Foreground(fg).Bold(true),
		Badge:     r.NewStyle().Foreground(onBadge).Background(amber).Bold(true).Padding(0, 1),
		BadgeLive: r.NewStyle().Foreground(onBadge).Background(red).Bold(true).Padding(0, 1),
		BadgeDemo: r.NewStyle().Foreground(onBadge).Background(green).Bold(true).Padding(0, 1),
		Title:     r.NewStyle().Foreground(accent).Bold(true),
		Muted:     r.NewStyle().Foreground(muted),
		Selected:  r.NewStyle().Foreground(fg).Reverse(true),
		OK:        r.NewStyle().Foreground(green),
		Bad:       r.NewStyle().Foreground(red).Bold(true),
		Warn:      r.NewStyle().Foreground(amber).Bold(true),
		Pane:      r.NewStyle().Foreground(fg),
		Label:     r.NewStyle().Foreground(muted).Width(16),
		Input:     r.NewStyle().Foreground(fg),
	}
}
