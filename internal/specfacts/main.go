// Command specfacts extracts, from the OpenAPI 3.0 spec of the Organizations
// API, the facts the spec drift test (spec_test.go) checks the SDK against:
// each schema's properties (JSON name, type, required flag) and each
// operation's id, method, path, parameters, request body, success response
// and documented error statuses with their x-cloud-error-codes. Run it from the repository
// root when the spec changes, and commit the result:
//
//	go run ./internal/specfacts -spec ../shared/spec/organizations-current.json -out testdata/spec_facts.json
//
// It writes the same file to ecloudtest/spec_facts.json (-embed; empty to
// skip), the copy package ecloudtest embeds to serve the operations and check
// request bodies against the spec (a test there keeps the two equal).
//
// The output is deterministic (sorted), so a diff of the fact file shows
// exactly what changed in the contract.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecloud-go/ecloud/internal/specfacts/facts"
)

func main() {
	specPath := flag.String("spec", "../shared/spec/organizations-current.json", "the OpenAPI 3.0 spec")
	out := flag.String("out", "testdata/spec_facts.json", "the fact file to write")
	embed := flag.String("embed", "ecloudtest/spec_facts.json", "where to write the copy package ecloudtest embeds (empty: nowhere)")
	flag.Parse()
	if err := run(*specPath, *out, *embed); err != nil {
		fmt.Fprintln(os.Stderr, "specfacts:", err)
		os.Exit(1)
	}
}

func run(specPath string, outs ...string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	f, err := facts.Extract(raw, filepath.Base(specPath))
	if err != nil {
		return err
	}
	b, err := facts.Encode(f)
	if err != nil {
		return err
	}
	for _, out := range outs {
		if out == "" {
			continue
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
