package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/supplyeval/supplyeval/i18n"
)

// langArgs is the argument of a field whose words can be written in
// English or French: lang, English by default (the text the API has
// always answered).
func (t *types) langArgs() gql.FieldConfigArgument {
	return gql.FieldConfigArgument{"lang": {Type: t.lang, DefaultValue: string(i18n.EN),
		Description: "The language to write the text in (EN by default)."}}
}

// argLang reads the argument lang of a text field; English when absent.
func argLang(p gql.ResolveParams) i18n.Lang {
	s, _ := p.Args["lang"].(string)
	if l, err := i18n.ParseLang(s); err == nil {
		return l
	}
	return i18n.EN
}

// textIn resolves a text field with the argument lang from the parent
// value of type T.
func textIn[T any](f func(x T, l i18n.Lang) any) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		return f(p.Source.(T), argLang(p)), nil
	}
}
