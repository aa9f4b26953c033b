import json, time, urllib.request, http.cookiejar, sys
base = sys.argv[1]
cj = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cj))
def req(method, path, body=None, ctype="application/json", csrf=None):
    r = urllib.request.Request(base+path, data=body, method=method)
    if body is not None: r.add_header("content-type", ctype)
    if csrf: r.add_header("x-csrf-token", csrf)
    try:
        with op.open(r) as resp: return resp.status, resp.read()
    except urllib.error.HTTPError as e: return e.code, e.read()
s, b = req("POST", "/api/v1/auth/login", json.dumps({"username":"admin","password":"import-bench-admin"}).encode())
csrf = json.loads(b)["csrf_token"]
for f in sys.argv[2:]:
    data = open(f,"rb").read()
    t=time.perf_counter(); s,b = req("POST", "/api/v1/import/preview?file_name="+f, data, "application/octet-stream", csrf); t1=time.perf_counter()-t
    p = json.loads(b); 
    print(f, "preview", s, f"{t1*1000:.0f} ms", "rows", p.get("total"), "valid", p.get("valid"), "with repeats", sum(1 for r in p.get("rows",[]) if r.get("repeats")))
    t=time.perf_counter(); s,b = req("POST", "/api/v1/import/commit?file_name="+f, data, "application/octet-stream", csrf); t2=time.perf_counter()-t
    print(f, "commit", s, f"{t2*1000:.0f} ms", (json.loads(b).get("references") or [None])[:1] if s==201 else b[:200])
