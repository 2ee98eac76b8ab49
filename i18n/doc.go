// Package i18n is the message catalogue of supplyeval's user-facing text
// (the cycle reports today, the web pages later), in English and French,
// and the locale rules that go with it: numbers with thousands separators
// (a comma in English; a narrow no-break space and a decimal comma in
// French), dates and periods in words, and plural forms.
//
// Every message has a key; [Lang.T] formats it with fmt verbs. English
// and French hold exactly the same keys with the same placeholders (the
// package's tests check it), so a missing translation is a failing test,
// never a blank on the page. Enumeration codes (families, verdicts,
// methods, roles, ...) have words under "<enum>.<CODE>" keys; [Lang.Code]
// reads them and falls back to the code itself only for a code the
// catalogue has never heard of.
//
// Code that explains its results in words (the estimation methods, their
// warnings and assumptions) does not write English strings: it returns
// [Msg] values (a key and arguments, numbers kept as numbers) or a [Text]
// of them, and the page, the report or the API writes them in the
// reader's language with [Lang.Render] or [Text.In]. The English
// rendering is what the API has always answered.
//
// The package imports nothing of the domain, so that chart and page code
// can use it without the read models.
package i18n
