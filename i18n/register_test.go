package i18n

import "testing"

func TestRegisterMergesAPartAndRefusesDuplicates(t *testing.T) {
	const key = "test.register.sample"
	t.Cleanup(func() { delete(en, key); delete(fr, key) })
	register(map[string]string{key: "in English %s"}, map[string]string{key: "en français %s"})
	if got := FR.T(key, "x"); got != "en français x" {
		t.Fatalf("FR.T = %q", got)
	}
	if got := EN.T(key, "x"); got != "in English x" {
		t.Fatalf("EN.T = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a key registered twice did not panic")
		}
	}()
	register(map[string]string{key: "again"}, nil)
}
