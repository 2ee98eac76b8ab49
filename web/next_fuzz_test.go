package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a sign-in form's next field holds, the redirect
// stays on this server (a path, never a scheme, host or protocol-relative
// URL, which browsers also read from a backslash).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/cycles?x=1", "//evil.example", "/\\evil.example", "https://evil.example/", "", "javascript:alert(1)", "/%2F%2Fevil", "/\t/evil.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := safeNext(s)
		seen := strings.Map(func(r rune) rune { // as a browser reads it
			switch r {
			case '\t', '\n', '\r':
				return -1
			case '\\':
				return '/'
			}
			return r
		}, n)
		if !strings.HasPrefix(seen, "/") || strings.HasPrefix(seen, "//") {
			t.Fatalf("safeNext(%q) = %q leaves the site", s, n)
		}
		if u, err := url.Parse(n); err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("safeNext(%q) = %q names a host", s, n)
		}
	})
}
