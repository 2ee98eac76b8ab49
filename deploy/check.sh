#!/bin/sh
# Static checks of deploy/ that need no container engine, cluster or
# KurrentDB: run from the repository root as `sh deploy/check.sh`.
# Each check says whether it ran; a missing tool is reported, not fatal.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

echo "== YAML parses, and the compose file's references resolve"
python3 - <<'PY' || fail=1
import re, sys, yaml, glob, os
docs = {}
for f in sorted(glob.glob("k8s/*.yaml") + ["compose/compose.yaml"]):
    docs[f] = list(yaml.safe_load_all(open(f)))
    print("  ok", f, [d.get("kind", "compose") for d in docs[f] if isinstance(d, dict)])
c = docs["compose/compose.yaml"][0]
svcs, errs = c["services"], []
for name, s in svcs.items():
    dep = s.get("depends_on", [])
    for d in (dep if isinstance(dep, list) else dep.keys()):
        if d not in svcs: errs.append(f"{name}: depends_on unknown service {d}")
    for v in s.get("volumes", []):
        src = v.split(":")[0]
        if not src.startswith((".", "/")) and src not in (c.get("volumes") or {}):
            errs.append(f"{name}: undeclared volume {src}")
        if src.startswith("."):
            if not os.path.exists(os.path.join("compose", src)): errs.append(f"{name}: missing file {src}")
    for sec in s.get("secrets", []):
        if sec not in (c.get("secrets") or {}): errs.append(f"{name}: undeclared secret {sec}")
    b = s.get("build")
    if b and not os.path.exists(os.path.join("compose", b["context"], b["dockerfile"])):
        errs.append(f"{name}: build {b} not found")
    cmd = s.get("command") or []
    if "serve" in cmd:
        if not any(a.startswith("--tokens") for a in cmd): errs.append(f"{name}: serve beyond loopback needs --tokens")
        for a in cmd:
            for host in re.findall(r"(?:nats|kurrentdb)://([^?/]+)", a):
                for h in host.split(","):
                    if h.split(":")[0] not in svcs: errs.append(f"{name}: {a} names unknown host {h}")
for up in re.findall(r"server\s+([a-z0-9]+):\d+", open("compose/nginx.conf").read()):
    if up not in svcs: errs.append(f"nginx.conf: upstream {up} is not a service")
for e in errs: print("  FAIL", e)
print("  compose references:", "FAIL" if errs else "ok")
sys.exit(1 if errs else 0)
PY

echo "== kubectl kustomize deploy/k8s"
if command -v kubectl >/dev/null; then
  kubectl kustomize k8s >"$tmp/k8s.yaml" && echo "  ok: $(grep -c '^kind:' "$tmp/k8s.yaml") objects" || fail=1
else echo "  skipped: no kubectl"; fi

echo "== systemd-analyze verify (ExecStart pointed at a freshly built binary)"
if command -v systemd-analyze >/dev/null; then
  (cd .. && go build -o "$tmp/supplyeval" ./cmd/supplyeval)
  for u in systemd/*.service; do sed "s#/usr/local/bin/supplyeval#$tmp/supplyeval#" "$u" >"$tmp/$(basename "$u")"; done
  if systemd-analyze verify "$tmp"/*.service 2>"$tmp/verify.log"; then echo "  ok"; else cat "$tmp/verify.log"; fail=1; fi
else echo "  skipped: no systemd-analyze"; fi

echo "== systemd-analyze security: every unit scores 2.0 or less (lower is safer)"
if command -v systemd-analyze >/dev/null; then
  for u in systemd/*.service; do
    score=$(systemd-analyze security --offline=yes "$u" 2>/dev/null | tail -n 1 | grep -o '[0-9][0-9]*\.[0-9]' | head -n 1)
    if [ -z "$score" ]; then echo "  $u: no score"; fail=1
    elif awk "BEGIN{exit !($score <= 2.0)}"; then echo "  ok $u: $score"
    else echo "  $u: $score, above 2.0"; fail=1; fi
  done
else echo "  skipped: no systemd-analyze"; fi

echo "== docker compose config / docker build"
if docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  (cd compose && [ -f tokens.json ] || cp tokens.example.json tokens.json; docker compose config -q) && echo "  ok" || fail=1
else echo "  skipped: no Docker engine or compose plugin here"; fi

exit $fail
