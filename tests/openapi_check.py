#!/usr/bin/env python3
"""openapi_check.py — docs/openapi.yaml against the route tables (tests/openapi_routes.sh).

Reads the route tables the way the compiler does — `routes_core` in
src/http/route.c and every `const struct route routes_*[]` of src/http/*.c
listed in route.c's `route_tables`, with their macros (A, AB, Q_LIMIT,
Q_STR(…), ORG_CODE_MAX…) expanded from the headers — and checks that
docs/openapi.yaml describes exactly those routes:

  * the document is OpenAPI 3.0 (openapi-spec-validator when installed, and
    always our own checks: every $ref resolves, path templates and path
    parameters agree, `required` names existing properties, every operation
    has a 2xx answer);
  * every route (method + path) is an operation and every operation a route;
  * auth flags: a route without RF_AUTH is `security: []`, one with it keeps
    cookie-or-bearer, and a mutating one asks cookie+CSRF or bearer; 401 on
    the authenticated ones, 403 on authenticated mutations;
  * bodies: RF_BODY ↔ a required JSON requestBody, RF_RAW ↔ a required
    binary requestBody, neither ↔ none, 413 with either;
  * query parameters: the same names as the route's params, with the
    route's types (integer with its minimum/maximum/default, int64 id ≥ 1,
    date, string with its maxLength);
  * every operation lists 400 and 500, 404 when its path has an {id}, and
    every 4xx/5xx answer has the Error schema {"error":{code,field,message}}.

With --routes FILE it also writes "METHOD PATH FLAGS" lines for the live
probe of tests/openapi_routes.sh; with --probe URL it sends every route to a
running server without credentials and checks the answer comes from that
route (not 404 "no such API endpoint", not 405) and that authentication is
as documented (401 exactly when the operation is not public).

Prints "ok NAME" / "FAIL NAME" lines and, last, "N passed, N failed".
"""
import argparse
import glob
import json
import os
import re
import sys
import urllib.error
import urllib.request

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MUTATING = ("POST", "PUT", "PATCH", "DELETE")

passed = 0
failed = 0


def result(name, problems):
    """One test line; problems is a list of strings (empty = ok)."""
    global passed, failed
    if problems:
        for p in problems[:40]:
            print("    " + p)
        if len(problems) > 40:
            print("    … and %d more" % (len(problems) - 40))
        print("FAIL " + name)
        failed += 1
    else:
        print("ok " + name)
        passed += 1


# ---------------------------------------------------------------- C side

def strip_comments(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    return re.sub(r"//[^\n]*", " ", src)


def read_defines(text, defs):
    """#define NAME value / #define NAME(a, b) value, continuation lines joined."""
    text = text.replace("\\\n", " ")
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\([^)]*\))?[ \t]*(.*)$",
                         text, flags=re.M):
        name, args, body = m.group(1), m.group(2), m.group(3).strip()
        if args is not None:
            defs[name] = ([a.strip() for a in args[1:-1].split(",") if a.strip()], body)
        else:
            defs[name] = (None, body)


def split_args(s):
    """Split a macro call's arguments at top-level commas."""
    out, depth, cur, q = [], 0, "", False
    for ch in s:
        if ch == '"':
            q = not q
        if not q and ch in "({[":
            depth += 1
        elif not q and ch in ")}]":
            depth -= 1
        if ch == "," and depth == 0 and not q:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def expand(text, defs, depth=0):
    """Expand object- and function-like macros (no stringizing or pasting)."""
    if depth > 20:
        raise ValueError("macro expansion too deep")
    out, i, n = [], 0, len(text)
    changed = False
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
            continue
        m = re.match(r"[A-Za-z_]\w*", text[i:])
        if not m:
            out.append(ch)
            i += 1
            continue
        word = m.group(0)
        j = i + len(word)
        if word in defs:
            params, body = defs[word]
            if params is None:
                out.append(" " + body + " ")
                changed = True
                i = j
                continue
            k = j
            while k < n and text[k] in " \t\n":
                k += 1
            if k < n and text[k] == "(":
                d, e = 0, k
                while e < n:
                    if text[e] == "(":
                        d += 1
                    elif text[e] == ")":
                        d -= 1
                        if d == 0:
                            break
                    e += 1
                args = split_args(text[k + 1:e])
                b = body
                for p, a in zip(params, args):
                    b = re.sub(r"\b%s\b" % re.escape(p), lambda _m, a=a: a, b)
                out.append(" " + b + " ")
                changed = True
                i = e + 1
                continue
        out.append(word)
        i = j
    res = "".join(out)
    return expand(res, defs, depth + 1) if changed else res


def c_int(expr):
    expr = expr.strip()
    if expr == "INT64_MAX":
        return 9223372036854775807
    if not re.fullmatch(r"[0-9+\-*/() \tLlUu]+", expr):
        raise ValueError("not a constant integer expression: %r" % expr)
    return int(eval(re.sub(r"(?<=\d)[LlUu]+", "", expr).replace("/", "//")))


def top_level_braces(body):
    """The {…} groups at depth 0 of body (strings respected)."""
    groups, depth, start, q, i = [], 0, None, False, 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            q = not q
        elif not q and ch == "\\":
            i += 1
        elif not q and ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif not q and ch == "}":
            depth -= 1
            if depth == 0:
                groups.append(body[start + 1:i])
        i += 1
    return groups


def parse_route(entry, defs):
    e = expand(entry, defs)
    m = re.search(r'\.method\s*=\s*"(\w+)"', e)
    p = re.search(r'\.path\s*=\s*"([^"]+)"', e)
    if not m or not p:
        raise ValueError("route without .method or .path: %s" % entry.strip()[:120])
    flags = set()
    f = re.search(r"\.flags\s*=\s*([^,]+?)(?:,\s*\.|\s*$)", e, flags=re.S)
    if f:
        flags = set(re.findall(r"RF_\w+", f.group(1)))
        left = re.sub(r"RF_\w+|[|() \t\n]", "", f.group(1))
        if left:
            raise ValueError("flags not understood: %r" % f.group(1))
    params = []
    pm = re.search(r"\.params\s*=\s*\{", e)
    if pm:
        d, k = 1, pm.end()
        while d:
            d += {"{": 1, "}": -1}.get(e[k], 0)
            k += 1
        for g in top_level_braces(e[pm.end():k - 1]):
            a = split_args(g)
            if len(a) < 2 or not re.fullmatch(r'"\w+"', a[0]):
                raise ValueError("parameter not understood: {%s}" % g)
            name, typ = a[0].strip('"'), a[1]
            nums = [c_int(x) for x in a[2:5]] + [0] * (3 - len(a[2:5]))
            params.append({"name": name, "type": typ, "min": nums[0],
                           "max": nums[1], "dflt": nums[2]})
    return {"method": m.group(1), "path": p.group(1), "flags": flags,
            "params": params}


def load_routes(root):
    """Every route of every table route.c lists: [(table, route)…]."""
    defs = {}
    for h in sorted(glob.glob(os.path.join(root, "src", "**", "*.h"), recursive=True)):
        read_defines(strip_comments(open(h, encoding="utf-8").read()), defs)
    route_c = strip_comments(open(os.path.join(root, "src/http/route.c"),
                                  encoding="utf-8").read())
    m = re.search(r"route_tables\[\]\s*=\s*\{(.*?)\};", route_c, flags=re.S)
    if not m:
        raise ValueError("src/http/route.c: no route_tables[]")
    listed = re.findall(r"\{\s*(routes_\w+)\s*,", m.group(1))
    tables = {}
    method_count = {}
    for f in sorted(glob.glob(os.path.join(root, "src/http/*.c"))):
        src = strip_comments(open(f, encoding="utf-8").read())
        fdefs = dict(defs)
        read_defines(src, fdefs)
        for t in re.finditer(r"struct\s+route\s+(routes_\w+)\s*\[\s*\]\s*=\s*\{", src):
            name = t.group(1)
            d, k = 1, t.end()
            while d:
                d += {"{": 1, "}": -1}.get(src[k], 0)
                k += 1
            body = src[t.end():k - 1]
            if name in tables:
                raise ValueError("%s defined twice" % name)
            tables[name] = [parse_route(g, fdefs) for g in top_level_braces(body)]
            method_count[name] = len(re.findall(r"\.method\s*=", body))
    problems = []
    for name in listed:
        if name not in tables:
            problems.append("route_tables lists %s but no src/http/*.c defines it" % name)
        elif method_count[name] != len(tables[name]):
            problems.append("%s: %d .method but %d routes parsed" %
                            (name, method_count[name], len(tables[name])))
    for name in tables:
        if name not in listed:
            problems.append("%s is defined but not listed in route_tables (dead table)" % name)
    routes = [(n, r) for n in listed if n in tables for r in tables[n]]
    return routes, problems


# ---------------------------------------------------------------- document side

class Doc:
    def __init__(self, d):
        self.d = d

    def ref(self, r):
        if not r.startswith("#/"):
            raise KeyError(r)
        node = self.d
        for part in r[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[part]
        return node

    def deref(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self.ref(node["$ref"])
            seen += 1
            if seen > 50:
                raise ValueError("$ref loop")
        return node


def norm_path(p):
    return re.sub(r"\{[^}]+\}", "{}", p)


def all_refs(node, path="#"):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield path, v
            else:
                yield from all_refs(v, path + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_refs(v, "%s/%d" % (path, i))


def all_schemas(node, path="#"):
    """Every mapping that looks like a schema (has type/properties/required)."""
    if isinstance(node, dict):
        if "properties" in node or ("required" in node and isinstance(node["required"], list)):
            yield path, node
        for k, v in node.items():
            yield from all_schemas(v, path + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_schemas(v, "%s/%d" % (path, i))


def non_string_keys(node, path="#"):
    """Keys YAML 1.1 reads as something else (Null, yes, on, 200…) except statuses."""
    if isinstance(node, dict):
        for k, v in node.items():
            if not isinstance(k, str) and not (path.endswith("/responses") and isinstance(k, int)):
                yield "%s: key %r is not a string (quote it)" % (path, k)
            yield from non_string_keys(v, "%s/%s" % (path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from non_string_keys(v, "%s/%d" % (path, i))


def structural(doc):
    d = doc.d
    probs = list(non_string_keys(d))
    if not str(d.get("openapi", "")).startswith("3.0."):
        probs.append("openapi is not 3.0.x: %r" % d.get("openapi"))
    for k in ("info", "paths", "components"):
        if k not in d:
            probs.append("no %s" % k)
    for where, r in all_refs(d):
        try:
            doc.ref(r)
        except (KeyError, TypeError):
            probs.append("%s: $ref %s does not resolve" % (where, r))
    for where, s in all_schemas(d):
        if "/allOf/" in where:
            continue  # a part of allOf may require a sibling part's property
        props = s.get("properties", {})
        if isinstance(props, dict) and "allOf" not in s and props:
            for r in s.get("required", []) if isinstance(s.get("required"), list) else []:
                if r not in props:
                    probs.append("%s: required %r is not a property" % (where, r))
    for p, item in d.get("paths", {}).items():
        tmpl = set(re.findall(r"\{([^}]+)\}", p))
        common = item.get("parameters", [])
        for m, op in item.items():
            if m not in METHODS:
                continue
            where = "%s %s" % (m.upper(), p)
            ps = [doc.deref(x) for x in common + op.get("parameters", [])]
            keys = [(x.get("name"), x.get("in")) for x in ps]
            if len(keys) != len(set(keys)):
                probs.append("%s: a parameter is listed twice" % where)
            inpath = {x.get("name") for x in ps if x.get("in") == "path"}
            if inpath != tmpl:
                probs.append("%s: path parameters %s, template %s" %
                             (where, sorted(inpath), sorted(tmpl)))
            for x in ps:
                if x.get("in") == "path" and not x.get("required"):
                    probs.append("%s: path parameter %s not required" % (where, x.get("name")))
            resp = op.get("responses", {})
            if not any(str(c).startswith("2") for c in resp):
                probs.append("%s: no 2xx response" % where)
            for c, rv in resp.items():
                if not re.fullmatch(r"[1-5]\d\d|default", str(c)):
                    probs.append("%s: response key %r" % (where, c))
                if "description" not in doc.deref(rv):
                    probs.append("%s %s: response without description" % (where, c))
    return probs


def is_error_schema(doc, s, depth=0):
    if depth > 10 or not isinstance(s, dict):
        return False
    if s.get("$ref") == "#/components/schemas/Error":
        return True
    s2 = doc.deref(s)
    if s2 is not s:
        return is_error_schema(doc, s2, depth + 1)
    if "allOf" in s:
        return any(is_error_schema(doc, x, depth + 1) for x in s["allOf"])
    for k in ("oneOf", "anyOf"):
        if k in s:
            return all(is_error_schema(doc, x, depth + 1) for x in s[k])
    return False


def param_problems(doc, route, op, where):
    probs = []
    qs = {}
    for x in op.get("parameters", []):
        x = doc.deref(x)
        if x.get("in") == "query":
            qs[x["name"]] = x
    want = {p["name"]: p for p in route["params"]}
    for n in sorted(set(want) - set(qs)):
        probs.append("%s: query parameter %s of the route is not documented" % (where, n))
    for n in sorted(set(qs) - set(want)):
        probs.append("%s: documented query parameter %s is not the route's" % (where, n))
    for n in sorted(set(want) & set(qs)):
        p, s = want[n], doc.deref(qs[n].get("schema", {}))
        typ, w = p["type"], "%s ?%s" % (where, n)
        if typ == "P_INT":
            if s.get("type") != "integer":
                probs.append("%s: type %s, route P_INT" % (w, s.get("type")))
            if s.get("minimum") != p["min"] or s.get("maximum") != p["max"]:
                probs.append("%s: range [%s, %s], route [%d, %d]" %
                             (w, s.get("minimum"), s.get("maximum"), p["min"], p["max"]))
            if p["min"] <= p["dflt"] <= p["max"]:
                if s.get("default") != p["dflt"]:
                    probs.append("%s: default %s, route %d" % (w, s.get("default"), p["dflt"]))
            elif "default" in s:
                probs.append("%s: default %s, the route has none in range" % (w, s["default"]))
        elif typ == "P_ID":
            if s.get("type") != "integer" or s.get("format") != "int64" or s.get("minimum") != 1:
                probs.append("%s: not an int64 id ≥ 1 (route P_ID)" % w)
        elif typ == "P_DATE":
            if s.get("type") != "string" or s.get("format") != "date":
                probs.append("%s: not a string of format date (route P_DATE)" % w)
        elif typ == "P_STR":
            if s.get("type") != "string" or s.get("maxLength") != p["max"]:
                probs.append("%s: not a string of maxLength %d (route P_STR), got %s/%s" %
                             (w, p["max"], s.get("type"), s.get("maxLength")))
        elif typ in ("P_WHEN_FROM", "P_WHEN_TO"):
            if s.get("type") != "string" or s.get("format") == "date":
                probs.append("%s: a date or an instant is a plain string (route %s)" % (w, typ))
        else:
            probs.append("%s: unknown parameter type %s" % (w, typ))
    return probs


def op_problems(doc, route, op, where):
    probs = []
    flags, method = route["flags"], route["method"]
    auth, mut = "RF_AUTH" in flags, method in MUTATING
    resp = {str(k): v for k, v in op.get("responses", {}).items()}
    sec = op.get("security", doc.d.get("security"))
    alts = [frozenset(a.keys()) for a in (sec or [])]
    if not auth:
        if sec != []:
            probs.append("%s: public route (no RF_AUTH) but security is not []" % where)
    else:
        if not alts:
            probs.append("%s: authenticated route (RF_AUTH) documented as public" % where)
        elif mut:
            if set(alts) != {frozenset({"cookieAuth", "csrfToken"}), frozenset({"bearerAuth"})}:
                probs.append("%s: a mutation needs [cookieAuth + csrfToken] or [bearerAuth], got %s"
                             % (where, [sorted(a) for a in alts]))
        elif set(alts) != {frozenset({"cookieAuth"}), frozenset({"bearerAuth"})}:
            probs.append("%s: needs [cookieAuth] or [bearerAuth], got %s"
                         % (where, [sorted(a) for a in alts]))
    need = {"400", "500"}
    if auth:
        need.add("401")
    if auth and mut:
        need.add("403")
    if "{id}" in route["path"]:
        need.add("404")
    if flags & {"RF_BODY", "RF_RAW"}:
        need.add("413")
    for c in sorted(need - set(resp)):
        probs.append("%s: no %s response" % (where, c))
    for c, rv in resp.items():
        if c[0] in "45":
            sch = doc.deref(rv).get("content", {}).get("application/json", {}).get("schema")
            if not is_error_schema(doc, sch):
                probs.append("%s %s: the answer is not the Error schema" % (where, c))
    rb = op.get("requestBody")
    if rb is not None:
        rb = doc.deref(rb)
    if "RF_BODY" in flags:
        if not rb or not rb.get("required") or "application/json" not in rb.get("content", {}):
            probs.append("%s: RF_BODY route without a required JSON requestBody" % where)
    elif "RF_RAW" in flags:
        if not rb or not rb.get("required"):
            probs.append("%s: RF_RAW route without a required requestBody" % where)
        else:
            for ct, media in rb.get("content", {}).items():
                s = doc.deref(media.get("schema", {}))
                if ct == "application/json" or s.get("format") != "binary":
                    probs.append("%s: RF_RAW body %s is not binary" % (where, ct))
    elif rb is not None:
        probs.append("%s: requestBody on a route that reads none" % where)
    probs += param_problems(doc, route, op, where)
    return probs


# ---------------------------------------------------------------- live probe

def probe(url, routes, doc):
    """Every route against a running server, without credentials."""
    found, authp = [], []
    paths = {norm_path(p): item for p, item in doc.d["paths"].items()}
    for _, r in routes:
        path = r["path"].replace("{id}", "1")
        body = b"{}" if "RF_BODY" in r["flags"] else (b"" if r["method"] in MUTATING else None)
        req = urllib.request.Request(url + "/api/v1" + path, data=body, method=r["method"])
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=20) as f:
                status, text = f.status, f.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as h:
            status, text = h.code, h.read().decode("utf-8", "replace")
        where = "%s %s" % (r["method"], r["path"])
        if status == 405 or (status == 404 and "no such API endpoint" in text):
            found.append("%s: the server answers %d %s" % (where, status, text[:120]))
            continue
        item = paths.get(norm_path(r["path"]), {})
        op = item.get(r["method"].lower(), {})
        public = op.get("security", doc.d.get("security")) == []
        if public and status == 401:
            authp.append("%s: documented public, the server answers 401" % where)
        if not public and status != 401:
            authp.append("%s: documented as needing credentials, the server answers %d" %
                         (where, status))
    return found, authp


def http_status(url, method, path):
    req = urllib.request.Request(url + path, method=method,
                                 data=b"" if method in MUTATING else None)
    try:
        with urllib.request.urlopen(req, timeout=20) as f:
            return f.status, f.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as h:
        return h.code, h.read().decode("utf-8", "replace")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--spec", default=None)
    ap.add_argument("--routes", help="write 'METHOD PATH FLAGS' lines here")
    ap.add_argument("--probe", help="base URL of a running server")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    spec = a.spec or os.path.join(root, "docs/openapi.yaml")

    try:
        with open(spec, encoding="utf-8") as f:
            raw = yaml.safe_load(f)
        err = [] if isinstance(raw, dict) else ["not a YAML mapping"]
    except (OSError, yaml.YAMLError) as ex:
        raw, err = None, [str(ex)]
    result("openapi.yaml parses as YAML", err)
    if raw is None or err:
        print("%d passed, %d failed" % (passed, failed))
        return 1
    doc = Doc(raw)
    result("openapi.yaml: structure ($refs, path parameters, required properties, 2xx)",
           structural(doc))
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
        print("    (openapi-spec-validator is not installed: its check is not run; "
              "the structural checks above are)")
    if validate is not None:
        try:
            validate(raw)
            result("openapi.yaml passes openapi-spec-validator", [])
        except Exception as ex:  # the validator's own error types
            result("openapi.yaml passes openapi-spec-validator", [str(ex).split("\n")[0]])

    try:
        routes, tprobs = load_routes(root)
    except (OSError, ValueError) as ex:
        routes, tprobs = [], [str(ex)]
    result("route tables read from src/http (%d routes)" % len(routes),
           tprobs or ([] if routes else ["no route found"]))
    seen = {}
    dup = []
    for t, r in routes:
        k = (r["method"], norm_path(r["path"]))
        if k in seen:
            dup.append("%s %s in %s and %s" % (r["method"], r["path"], seen[k], t))
        seen[k] = t
    result("no route is in the tables twice", dup)

    ops = {}
    for p, item in raw.get("paths", {}).items():
        for m, op in item.items():
            if m in METHODS:
                ops[(m.upper(), norm_path(p))] = (p, op)
    missing = ["%s %s (%s)" % (r["method"], r["path"], t) for t, r in routes
               if (r["method"], norm_path(r["path"])) not in ops]
    result("every route of the tables is in openapi.yaml with its method", missing)
    extra = ["%s %s" % (m, ops[(m, p)][0]) for (m, p) in sorted(ops)
             if (m, p) not in seen]
    result("every operation of openapi.yaml is a route", extra)

    probs = []
    for t, r in routes:
        k = (r["method"], norm_path(r["path"]))
        if k in ops:
            probs += op_problems(doc, r, ops[k][1], "%s %s" % (r["method"], ops[k][0]))
    result("operations match their routes (security, statuses, bodies, query parameters)",
           probs)

    if a.routes:
        with open(a.routes, "w", encoding="utf-8") as f:
            for t, r in routes:
                f.write("%s %s %s\n" % (r["method"], r["path"],
                                        ",".join(sorted(r["flags"])) or "-"))
    if a.probe:
        st, text = http_status(a.probe, "GET", "/api/v1/no-such-endpoint")
        result("probe: an unknown path answers 404 no such API endpoint",
               [] if st == 404 and "no such API endpoint" in text else
               ["got %d %s" % (st, text[:120])])
        st, text = http_status(a.probe, "PATCH", "/api/v1/health")
        result("probe: a known path with another method answers 405",
               [] if st == 405 else ["got %d %s" % (st, text[:120])])
        found, authp = probe(a.probe, routes, doc)
        result("probe: the server has every route of the tables (%d)" % len(routes), found)
        result("probe: the server asks credentials exactly where openapi.yaml says", authp)

    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
