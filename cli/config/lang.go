package config

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"

	"qfpos/ui/catalog"
)

// LanguageNames are the values of [terminal] language and --lang.
var LanguageNames = map[string]language.Tag{
	"en": language.English, "zh-Hant": language.TraditionalChinese, "zh-Hans": language.SimplifiedChinese,
}

// ParseLanguage reads "en", "zh-Hant" or "zh-Hans" (any case).
func ParseLanguage(s string) (language.Tag, error) {
	for name, tag := range LanguageNames {
		if strings.EqualFold(s, name) {
			return tag, nil
		}
	}
	return language.English, fmt.Errorf("%q is not en, zh-Hant or zh-Hans", s)
}

// LanguageFromLocale reads the language of the cashier-facing text from the locale variables, as
// the C library does (LC_ALL, then LC_MESSAGES, then LANG): zh_HK, zh_MO, zh_TW → zh-Hant; zh_CN,
// zh_SG, zh → zh-Hans; C, POSIX and anything else → en.
func LanguageFromLocale(env func(string) string) language.Tag {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := env(name)
		if v == "" {
			continue
		}
		v, _, _ = strings.Cut(v, ".") // zh_HK.UTF-8
		v, _, _ = strings.Cut(v, "@") // sr_RS@latin
		if v == "C" || v == "POSIX" {
			return language.English
		}
		tag, err := language.Parse(strings.ReplaceAll(v, "_", "-"))
		if err != nil {
			return language.English
		}
		return catalog.Match(tag)
	}
	return language.English
}

// Language is the language of the cashier-facing text: flag (--lang) when given, else
// [terminal] language, else the locale.
func (c Config) Language(flag string, env func(string) string) (language.Tag, error) {
	switch {
	case flag != "":
		return ParseLanguage(flag)
	case c.Terminal.Language != "":
		return ParseLanguage(c.Terminal.Language)
	}
	return LanguageFromLocale(env), nil
}
