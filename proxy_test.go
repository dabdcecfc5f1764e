package ecloud

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// TestTransportHonoursProxyEnvironment: the SDK's own transport sends a
// request through the proxy that HTTP_PROXY or HTTPS_PROXY names, and
// directly to a host NO_PROXY lists, as NewClient's documentation says.
// net/http reads these variables once per process, so the client runs in a
// child process (this test binary again) started with them.
func TestTransportHonoursProxyEnvironment(t *testing.T) {
	if os.Getenv("ECLOUD_TEST_PROXY_CHILD") == "1" {
		tcProxyChild(t)
		return
	}
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []string
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"organizations":[{"id":"org-1","name":"Acme"}]}`))
	}))
	defer proxy.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestTransportHonoursProxyEnvironment$", "-test.count=1", "-test.v")
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasSuffix(strings.ToUpper(name), "_PROXY") && name != "REQUEST_METHOD" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "ECLOUD_TEST_PROXY_CHILD=1",
		"HTTP_PROXY="+proxy.URL, "HTTPS_PROXY=http://proxy.example.test:3128", "NO_PROXY=direct.example.test")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestTransportHonoursProxyEnvironment") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "GET http://api.example.test/api/v1/organizations ApiKey proxied-key"
	if len(seen) != 1 || seen[0] != want {
		t.Errorf("the proxy saw %q, want [%q]", seen, want)
	}
}

// tcProxyChild runs in the child process, with the proxy variables set.
func tcProxyChild(t *testing.T) {
	c, err := NewClient(WithAPIKey("proxied-key"), WithBaseURL("http://api.example.test/api/v1"), WithInsecureHTTP(),
		WithRetryPolicy(RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	// api.example.test does not resolve: only the proxy can answer.
	list, err := c.ListOrganizations(t.Context())
	if err != nil || len(list.Organizations) != 1 || list.Organizations[0].ID != "org-1" {
		t.Fatalf("ListOrganizations through the proxy: %+v, %v", list, err)
	}

	tr := newTransport(nil)
	for target, want := range map[string]string{
		"https://api.example.test/api/v1/organizations":    "http://proxy.example.test:3128", // HTTPS_PROXY
		"https://direct.example.test/api/v1/organizations": "",                               // NO_PROXY
		"http://127.0.0.1:9243/api/v1/organizations":       "",                               // loopback: never proxied
	} {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tr.Proxy(req)
		if err != nil || (got == nil) != (want == "") || (got != nil && got.String() != want) {
			t.Errorf("proxy for %s = %v, %v; want %q", target, got, err, want)
		}
	}
}
