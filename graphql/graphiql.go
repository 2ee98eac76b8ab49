package graphql

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io"
	"net/http"
	"path"
	"strings"
)

// The GraphiQL page and its scripts are embedded so that the API is
// explorable on machines with no internet access. The scripts are the
// published builds of graphiql 3.8.3, react 18.3.1 and react-dom 18.3.1
// (MIT; see assets/README.md), stored gzipped.
//
//go:embed assets/*.gz assets/index.html
var assets embed.FS

// graphiQLPolicy is the page's Content-Security-Policy: everything from
// this server only. GraphiQL's stylesheet embeds its fonts as data: URLs,
// so font-src allows 'self' and data: (without it the browser blocks some
// 30 font loads and logs an error for each); nothing else is widened.
const graphiQLPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'"

// serveGraphiQL serves the page.
func serveGraphiQL(w http.ResponseWriter, r *http.Request) {
	page, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, "GraphiQL page missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", graphiQLPolicy)
	_, _ = w.Write(page)
}

// AssetHandler serves the embedded GraphiQL scripts and styles under
// /graphiql/, gzipped to clients that accept it.
func AssetHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		data, err := assets.ReadFile("assets/" + name + ".gz")
		if err != nil {
			http.NotFound(w, r)
			return
		}
		switch {
		case strings.HasSuffix(name, ".js"):
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		case strings.HasSuffix(name, ".css"):
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(data)
			return
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			http.Error(w, "damaged asset", http.StatusInternalServerError)
			return
		}
		_, _ = io.Copy(w, zr)
	})
}
