// Package web is supplyeval's web application, served at / by the same
// binary as the GraphQL API: server-rendered pages (html/template) with a
// little JavaScript, every asset embedded, nothing fetched from the
// internet.
//
// The pages read and write only through the GraphQL API, run in-process
// as the signed-in principal (graphql.Server.Do with the principal in the
// context), so they see exactly what that principal may see through the
// API: roles, clearance and PUBLIC suppression are the API's, never
// re-implemented here. Signing in takes an API token, checked by the
// API's own Authenticate and kept in an HttpOnly, SameSite=Strict cookie;
// every form carries a CSRF token (double-submit cookie) and a POST from
// another origin is refused. Without tokens (the single-user mode on
// loopback) everyone is graphql.LocalPrincipal and there is no sign-in.
//
// Every text comes from the i18n catalogue (keys "web.*"), in English or
// French as the user picks; numbers and dates are formatted per language.
// Charts are drawn by package chart, shared with the cycle reports.
package web
