package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
)

// page is what a handler renders: a title, an error or notice to show,
// and the page's own data.
type page struct {
	Title  string
	Error  string
	Notice string
	Data   any
}

// view is what templates see: the page, and who reads it in which
// language.
type view struct {
	page
	Lang      i18n.Lang
	Principal graphql.Principal
	Local     bool
	Admin     bool
	CSRF      string
	Path      string
	// Here is the request URI, for the language links.
	Here string
}

// T formats a message of the catalogue.
func (v view) T(key string, args ...any) string { return v.Lang.T(key, args...) }

// Code gives the words for an enumeration code.
func (v view) Code(enum, code string) string { return v.Lang.Code(enum, code) }

// Num formats a number (float64, *float64, int) for reading; nil is a dash.
func (v view) Num(x any) string {
	switch n := x.(type) {
	case float64:
		return v.Lang.Num(n)
	case *float64:
		if n == nil {
			return v.Lang.T("dash")
		}
		return v.Lang.Num(*n)
	case int:
		return v.Lang.Int(n)
	}
	return fmt.Sprint(x)
}

// Period formats a period in words.
func (v view) Period(p string) string { return v.Lang.Period(p) }

// Date formats a date (YYYY-MM-DD or RFC 3339) in words.
func (v view) Date(s string) string { return v.Lang.DateString(s) }

// Other is the language a user may switch to.
func (v view) Other() i18n.Lang {
	if v.Lang == i18n.FR {
		return i18n.EN
	}
	return i18n.FR
}

var funcs = template.FuncMap{
	"join":     strings.Join,
	"contains": func(list []string, s string) bool { return containsString(list, s) },
	"html":     func(s string) template.HTML { return template.HTML(s) },
	"add":      func(a, b int) int { return a + b },
	"pct":      func(f float64) string { return fmt.Sprintf("%.2f%%", math.Max(0, math.Min(100, f*100))) },
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseTemplates parses each page with the layout.
func (h *Handler) parseTemplates() error {
	h.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", n, err)
		}
		h.pages[base] = t
	}
	return nil
}

// render writes the page name with p.
func (r *request) render(name string, p page) {
	r.renderStatus(http.StatusOK, name, p)
}

func (r *request) renderStatus(status int, name string, p page) {
	v := view{page: p, Lang: r.lang, Principal: r.principal, Local: r.h.local(), Admin: isAdmin(r.principal) && !r.principal.Has("PUBLIC"),
		CSRF: r.csrf, Path: r.URL.Path, Here: r.URL.RequestURI()}
	var buf bytes.Buffer
	if err := r.h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		r.h.cfg.Logger.Error().Err(err).Str("page", name).Msg("web page not rendered")
		http.Error(r.w, r.lang.T("web.error.internal"), http.StatusInternalServerError)
		return
	}
	r.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	r.w.Header().Set("Cache-Control", "no-store")
	writeCompressed(r.w, r.Request, status, buf.Bytes())
}

// fail renders an error page.
func (r *request) fail(status int, msg string) {
	r.renderStatus(status, "error", page{Title: r.lang.T("web.error.title"), Error: msg})
}

// writeCompressed writes body, gzipped when the client accepts it.
func writeCompressed(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	w.Header().Add("Vary", "Accept-Encoding")
	if len(body) > 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		_, _ = zw.Write(body)
		_ = zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		_, _ = w.Write(buf.Bytes())
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// assetHandler serves the embedded assets, gzipped once, cached by the
// browser for an hour.
func assetHandler(assets fs.FS) http.Handler {
	type asset struct{ plain, gz []byte }
	var mu sync.Mutex
	cache := map[string]asset{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		mu.Lock()
		a, ok := cache[name]
		if !ok {
			b, err := fs.ReadFile(assets, name)
			if err != nil {
				mu.Unlock()
				http.NotFound(w, r)
				return
			}
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(b)
			_ = zw.Close()
			a = asset{plain: b, gz: buf.Bytes()}
			cache[name] = a
		}
		mu.Unlock()
		switch path.Ext(name) {
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case ".svg":
			w.Header().Set("Content-Type", "image/svg+xml")
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Add("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(a.gz)
			return
		}
		_, _ = w.Write(a.plain)
	})
}
