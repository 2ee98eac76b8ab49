package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/graphql"
	"github.com/supplyeval/supplyeval/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// API runs GraphQL requests in-process as the principal the context
// carries; *graphql.Server implements it. Do must be safe for concurrent
// use.
type API interface {
	Do(ctx context.Context, req graphql.Request, readOnly bool) graphql.Response
}

// Config configures the web application.
type Config struct {
	// API answers every question the pages ask (required): the pages read
	// and write only through it, as the signed-in principal.
	API API
	// Authenticate names the principal of a request that carries a token
	// (Authorization: Bearer TOKEN), exactly as the API does. Nil is the
	// single-user mode: everyone is graphql.LocalPrincipal and there is
	// no sign-in.
	Authenticate func(r *http.Request) (graphql.Principal, error)
	// Logger receives the errors of pages that could not be rendered
	// (default: none).
	Logger zerolog.Logger
}

// Validate reports what is missing from c.
func (c Config) Validate() error {
	if c.API == nil {
		return errors.New("web config: API is required")
	}
	return nil
}

// Handler serves the web application. It is safe for concurrent use.
type Handler struct {
	cfg   Config
	mux   *http.ServeMux
	pages map[string]*template.Template
	// uploads are the imports previewed or being recorded.
	uploads uploads
}

// Cookie names.
const (
	tokenCookie = "supplyeval_token"
	csrfCookie  = "supplyeval_csrf"
	langCookie  = "supplyeval_lang"
)

// New returns the web application's handler.
func New(cfg Config) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	assets, _ := fs.Sub(assetFS, "assets")
	h.mux.Handle("GET /assets/", http.StripPrefix("/assets/", assetHandler(assets)))
	h.mux.HandleFunc("GET /signin", h.signInPage)
	h.mux.HandleFunc("POST /signin", h.signIn)
	h.mux.HandleFunc("POST /signout", h.signOut)
	h.mux.HandleFunc("GET /lang", h.setLang)
	h.route("GET /{$}", h.overview)
	h.routes()
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

// request is what a page handler gets: the principal, the language, the
// CSRF token for its forms.
type request struct {
	*http.Request
	w         http.ResponseWriter
	principal graphql.Principal
	lang      i18n.Lang
	csrf      string
	h         *Handler
}

// route registers a page that needs a principal: without one (token mode,
// not signed in) the browser is sent to the sign-in page. Every POST must
// carry the CSRF token of the form it came from.
func (h *Handler) route(pattern string, fn func(*request)) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		req := h.newRequest(w, r)
		p, ok := h.principal(r)
		if !ok {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		req.principal = p
		if r.Method == http.MethodPost && !h.checkCSRF(r) {
			req.fail(http.StatusForbidden, req.lang.T("web.error.csrf"))
			return
		}
		fn(req)
	})
}

func (h *Handler) newRequest(w http.ResponseWriter, r *http.Request) *request {
	return &request{Request: r, w: w, lang: langOf(r), csrf: csrfToken(w, r), h: h}
}

// local reports whether the server runs in single-user mode.
func (h *Handler) local() bool { return h.cfg.Authenticate == nil }

// principal is who the request's token cookie names, as the API's own
// Authenticate decides.
func (h *Handler) principal(r *http.Request) (graphql.Principal, bool) {
	if h.local() {
		return graphql.LocalPrincipal(), true
	}
	c, err := r.Cookie(tokenCookie)
	if err != nil || c.Value == "" {
		return graphql.Principal{}, false
	}
	p, err := h.authenticateToken(r.Context(), c.Value)
	return p, err == nil
}

func (h *Handler) authenticateToken(ctx context.Context, token string) (graphql.Principal, error) {
	probe, _ := http.NewRequestWithContext(ctx, http.MethodPost, "/graphql", nil)
	probe.Header.Set("Authorization", "Bearer "+token)
	return h.cfg.Authenticate(probe)
}

// langOf is the language the user picked (cookie), else the browser's
// first preference, else English.
func langOf(r *http.Request) i18n.Lang {
	if v := r.URL.Query().Get("lang"); v != "" {
		if l, err := i18n.ParseLang(v); err == nil {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, err := i18n.ParseLang(c.Value); err == nil {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l, err := i18n.ParseLang(tag); err == nil {
			return l
		}
	}
	return i18n.EN
}

// csrfToken returns the request's CSRF token (double-submit: a random
// value in a SameSite=Strict, HttpOnly cookie, repeated in every form),
// setting the cookie on the first visit.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 32 {
		return c.Value
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	// Later reads in this request see it too.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: v})
	return v
}

// checkCSRF reports whether a POST carries the CSRF cookie's value in its
// form (field csrf) or header (X-CSRF-Token), and, when the browser says
// where it comes from, comes from this server.
func (h *Handler) checkCSRF(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) != 32 {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if err := r.ParseMultipartForm(64 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return false
		}
		got = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	req := h.newRequest(w, r)
	if h.local() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	req.render("signin", page{Title: req.lang.T("web.signin.title"), Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}})
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	req := h.newRequest(w, r)
	if h.local() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !h.checkCSRF(r) {
		req.fail(http.StatusForbidden, req.lang.T("web.error.csrf"))
		return
	}
	token := strings.TrimSpace(r.PostFormValue("token"))
	next := safeNext(r.PostFormValue("next"))
	if _, err := h.authenticateToken(r.Context(), token); token == "" || err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		req.render("signin", page{Title: req.lang.T("web.signin.title"), Error: req.lang.T("web.signin.refused"), Data: map[string]string{"Next": next}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil, MaxAge: int((12 * time.Hour).Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	req := h.newRequest(w, r)
	if !h.checkCSRF(r) {
		req.fail(http.StatusForbidden, req.lang.T("web.error.csrf"))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// setLang remembers the language picked (a preference, not a change of
// any data, so a plain link sets it).
func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) {
	l, err := i18n.ParseLang(r.URL.Query().Get("to"))
	if err != nil {
		l = i18n.EN
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", SameSite: http.SameSiteStrictMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// safeNext keeps a redirect target on this server.
// Browsers drop tabs and newlines from URLs and read a backslash as a
// slash, so "/\t/evil" or "/\\evil" would leave the site: any control
// character or backslash makes it "/".
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") ||
		strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) >= 0 {
		return "/"
	}
	return s
}

// isAdmin reports whether p may read the audit.
func isAdmin(p graphql.Principal) bool { return p.Has(domain.RoleAdmin) }
