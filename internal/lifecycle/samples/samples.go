// Package samples is the embedded set of real Control Tower sample events
// and Organizations API calls (EventBridge envelopes as Control Tower and
// CloudTrail deliver them) used by the tests,
// the demo (`make demo`) and the CLI's examples. It is the one copy: tests
// of every package read the events from here rather than from their own
// testdata, so a fix to a sample reaches all of them. README.md says where
// each event comes from.
//
// Only tests and the command line import it; the Lambda functions do not.
package samples

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed *.json
var events embed.FS

// Names returns the file names of the sample events, such as
// "create-managed-account-succeeded.json", in lexical order.
func Names() []string {
	entries, err := fs.ReadDir(events, ".")
	if err != nil {
		panic(fmt.Sprintf("samples: read the embedded events: %v", err)) // unreachable: the directory is embedded
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Event returns a fresh copy of the named sample event, such as
// Event("create-managed-account-succeeded.json"). The set is fixed when the
// program is built, so an unknown name is a bug in the caller: Event panics
// with the names it has.
func Event(name string) []byte {
	b, err := events.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("samples: no sample event %q; have %s", name, strings.Join(Names(), ", ")))
	}
	return b
}
