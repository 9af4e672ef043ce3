package manual

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Request
		kind Kind
	}{
		{
			name: "accounts narrowed to regions and products, dry run",
			in:   `{"accounts": ["222222222222"], "regions": ["us-west-1"], "products": ["baseline-vpc"], "dryRun": true}`,
			want: &Request{Accounts: []string{"222222222222"}, Regions: []string{"us-west-1"}, Products: []string{"baseline-vpc"}, DryRun: true},
			kind: KindAccounts,
		},
		{
			name: "OU with nested OUs",
			in:   `{"ous": ["ou-ab12-l3zc8b3h"], "recursive": true}`,
			want: &Request{OUs: []string{"ou-ab12-l3zc8b3h"}, Recursive: true},
			kind: KindOUs,
		},
		{
			name: "root as an OU, management account included",
			in:   `{"ous": ["r-ab12"], "recursive": true, "includeManagementAccount": true}`,
			want: &Request{OUs: []string{"r-ab12"}, Recursive: true, IncludeManagement: true},
			kind: KindOUs,
		},
		{
			name: "all",
			in:   `{"all": true}`,
			want: &Request{All: true},
			kind: KindAll,
		},
		{
			name: "explicit targets",
			in:   `{"accounts": ["222222222222", "333333333333"], "targets": [{"region":"us-west-1","product":"baseline-vpc"}, {"product":"security-audit","region":"us-east-1"}]}`,
			want: &Request{
				Accounts: []string{"222222222222", "333333333333"},
				Targets:  []Pair{{Region: "us-west-1", Product: "baseline-vpc"}, {Region: "us-east-1", Product: "security-audit"}},
			},
			kind: KindAccounts,
		},
		{
			name: "only missing",
			in:   `{"accounts":["222222222222"],"onlyMissing":true}`,
			want: &Request{Accounts: []string{"222222222222"}, OnlyMissing: true},
			kind: KindAccounts,
		},
		{
			name: "status of accounts",
			in:   `{"status": {"accounts": ["222222222222", "624281831893"]}}`,
			want: &Request{Status: &StatusRequest{Accounts: []string{"222222222222", "624281831893"}}},
			kind: KindStatus,
		},
		{
			name: "status of an OU tree, filtered",
			in:   `{"status": {"ous": ["ou-ab12-w0rkl0ad"], "recursive": true, "regions": ["us-west-2"], "products": ["security-audit"]}}`,
			want: &Request{Status: &StatusRequest{OUs: []string{"ou-ab12-w0rkl0ad"}, Recursive: true, Regions: []string{"us-west-2"}, Products: []string{"security-audit"}}},
			kind: KindStatus,
		},
		{
			name: "status of everything",
			in:   `{"status": {"all": true}}`,
			want: &Request{Status: &StatusRequest{All: true}},
			kind: KindStatus,
		},
		{
			name: "false booleans are the same as absent ones",
			in:   `{"all": true, "recursive": false, "dryRun": false, "onlyMissing": false, "includeManagementAccount": false}`,
			want: &Request{All: true},
			kind: KindAll,
		},
		{
			name: "all with every option",
			in:   "\n {\"all\": true, \"dryRun\": true, \"onlyMissing\": true, \"includeManagementAccount\": true, \"regions\": [\"us-east-1\", \"us-west-2\"]}\n",
			want: &Request{All: true, DryRun: true, OnlyMissing: true, IncludeManagement: true, Regions: []string{"us-east-1", "us-west-2"}},
			kind: KindAll,
		},
		{
			name: "escaped strings",
			in:   `{"accounts": ["\u003222222222222"]}`,
			want: &Request{Accounts: []string{"222222222222"}},
			kind: KindAccounts,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode:\ngot  %+v\nwant %+v", got, tt.want)
			}
			if k := got.Kind(); k != tt.kind {
				t.Errorf("Kind() = %q, want %q", k, tt.kind)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate() of a decoded request: %v", err)
			}
		})
	}
}

func TestStatusKind(t *testing.T) {
	for _, tt := range []struct {
		s    StatusRequest
		want Kind
	}{
		{StatusRequest{Accounts: []string{"222222222222"}}, KindAccounts},
		{StatusRequest{OUs: []string{"ou-ab12-l3zc8b3h"}}, KindOUs},
		{StatusRequest{All: true}, KindAll},
		{StatusRequest{}, ""},
	} {
		if got := tt.s.Kind(); got != tt.want {
			t.Errorf("%+v.Kind() = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got := (&Request{}).Kind(); got != "" {
		t.Errorf("empty Request.Kind() = %q, want \"\"", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // one line per problem, in order
	}{
		// The payload as a whole.
		{"empty", " ", []string{`(payload): empty; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"not JSON", `{'accounts': 1}`, []string{`(payload): is not valid JSON: invalid character '\'' looking for beginning of object key string at byte 2; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"trailing comma", `{"all": true,}`, []string{`(payload): is not valid JSON: invalid character '}' looking for beginning of object key string at byte 14; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"two objects", `{"all": true} {"all": true}`, []string{`(payload): is not valid JSON: invalid character '{' after top-level value at byte 15; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"list", `["222222222222"]`, []string{`(payload): must be a JSON object, got list; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"string", `"all"`, []string{`(payload): must be a JSON object, got string; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"null", `null`, []string{`(payload): must be a JSON object, got null; send a JSON object such as {"accounts": ["123456789012"]}`}},
		{"empty object", `{}`, []string{`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`}},

		// Selection.
		{"all false", `{"all": false}`, []string{`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`}},
		{"accounts and all", `{"accounts": ["222222222222"], "all": true}`, []string{
			`(payload): gives "accounts" and "all" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},
		{"accounts, ous and status", `{"status": {"all": true}, "ous": ["ou-ab12-l3zc8b3h"], "accounts": ["222222222222"]}`, []string{
			`(payload): gives "accounts", "ous" and "status" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},
		{"recursive without ous", `{"accounts": ["222222222222"], "recursive": true}`, []string{
			`recursive: applies only to "ous"; remove it, or select OUs with "ous"`,
		}},
		{"recursive next to status", `{"status": {"ous": ["ou-ab12-l3zc8b3h"]}, "recursive": true}`, []string{
			`recursive: applies only to "ous"; inside a status query, write it as status.recursive next to status.ous`,
		}},

		// Unknown and repeated keys.
		{"typo of accounts", `{"acounts": ["222222222222"]}`, []string{
			`acounts: unknown key; did you mean "accounts"?`,
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},
		{"typo next to all", `{"acounts": ["222222222222"], "all": true}`, []string{`acounts: unknown key; did you mean "accounts"?`}},
		{"near misses", `{"all": true, "dry_run": true, "only-missing": true, "includeManagement": true, "Regions": ["us-east-1"], "recursiv": true, "product": ["x"], "target": []}`, []string{
			`dry_run: unknown key; did you mean "dryRun"?`,
			`only-missing: unknown key; did you mean "onlyMissing"?`,
			`includeManagement: unknown key; did you mean "includeManagementAccount"?`,
			`Regions: unknown key; did you mean "regions"?`,
			`recursiv: unknown key; did you mean "recursive"?`,
			`product: unknown key; did you mean "products"?`,
			`target: unknown key; did you mean "targets"?`,
		}},
		{"console hello-world template", `{"key1": "value1", "key2": "value2"}`, []string{
			`key1: unknown key; known keys: accounts, ous, recursive, all, regions, products, targets, dryRun, onlyMissing, includeManagementAccount, status, drift, runs, run, cancel, requestedBy`,
			`key2: unknown key; known keys: accounts, ous, recursive, all, regions, products, targets, dryRun, onlyMissing, includeManagementAccount, status, drift, runs, run, cancel, requestedBy`,
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},
		{"odd key", `{"all": true, "x y": 1, "": 2}`, []string{
			`"x y": unknown key; known keys: accounts, ous, recursive, all, regions, products, targets, dryRun, onlyMissing, includeManagementAccount, status, drift, runs, run, cancel, requestedBy`,
			`"": unknown key; known keys: accounts, ous, recursive, all, regions, products, targets, dryRun, onlyMissing, includeManagementAccount, status, drift, runs, run, cancel, requestedBy`,
		}},
		{"repeated key", `{"accounts": ["222222222222"], "accounts": ["333333333333"]}`, []string{`accounts: given more than once; keep one`}},
		{"status keys", `{"status": {"acounts": ["222222222222"], "all": true, "dryRun": true, "all": true}}`, []string{
			`status.acounts: unknown key; did you mean "accounts"?`,
			`status.dryRun: unknown key; known keys: accounts, ous, recursive, all, regions, products`,
			`status.all: given more than once; keep one`,
		}},

		// Types.
		{"accounts a string", `{"accounts": "222222222222"}`, []string{`accounts: must be a list of account IDs, got string; put it in a list: "accounts": ["222222222222"]`}},
		{"accounts a number", `{"accounts": 222222222222}`, []string{`accounts: must be a list of account IDs, got number; put it in a list, in quotes: "accounts": ["222222222222"]`}},
		{"accounts null", `{"accounts": null}`, []string{`accounts: must be a list of account IDs, got null; write "accounts": ["123456789012"]`}},
		{"account numbers", `{"accounts": [222222222222, 12345678901, 2.2e11, true]}`, []string{
			`accounts[0]: is the number 222222222222, not a string; write it in quotes, "222222222222": a JSON number cannot keep an account ID's leading zeros`,
			`accounts[1]: is the number 12345678901, not a string; write the 12-digit account ID in quotes, such as "123456789012": a JSON number cannot keep leading zeros`,
			`accounts[2]: is the number 2.2e11, not a string; write the 12-digit account ID in quotes, such as "123456789012": a JSON number cannot keep leading zeros`,
			`accounts[3]: must be a string, got boolean; write an account ID in quotes, such as "123456789012"`,
		}},
		{"ous an object", `{"ous": {"id": "ou-ab12-l3zc8b3h"}}`, []string{`ous: must be a list of OU IDs, got object; write "ous": ["ou-ab12-l3zc8b3h"]`}},
		{"ou a number", `{"ous": [5]}`, []string{`ous[0]: must be a string, got number; write an OU ID in quotes, such as "ou-ab12-l3zc8b3h"`}},
		{"regions a string", `{"all": true, "regions": "us-west-1"}`, []string{`regions: must be a list of region codes, got string; put it in a list: "regions": ["us-west-1"]`}},
		{"products a string", `{"all": true, "products": "baseline-vpc"}`, []string{`products: must be a list of product keys, got string; put it in a list: "products": ["baseline-vpc"]`}},
		{"products with a list inside", `{"all": true, "products": [["baseline-vpc"]]}`, []string{`products[0]: must be a string, got list; write a product key in quotes, such as "baseline-vpc"`}},
		{"booleans as strings", `{"all": "true", "dryRun": "false", "onlyMissing": 1, "includeManagementAccount": null}`, []string{
			`all: must be true or false, got string; write "all": true, without quotes`,
			`dryRun: must be true or false, got string; write "dryRun": false, without quotes`,
			`onlyMissing: must be true or false, got number; write "onlyMissing": true or false, without quotes`,
			`includeManagementAccount: must be true or false, got null; write "includeManagementAccount": true or false, without quotes`,
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},
		{"status true", `{"status": true}`, []string{`status: must be an object, got boolean; write "status": {"accounts": [...]}, {"ous": [...]} or {"all": true}`}},
		{"status list", `{"status": ["222222222222"]}`, []string{`status: must be an object, got list; write "status": {"accounts": [...]}, {"ous": [...]} or {"all": true}`}},
		{"targets an object", `{"all": true, "targets": {"region": "us-west-1", "product": "baseline-vpc"}}`, []string{
			`targets: must be a list of {"region", "product"} objects, got object; write "targets": [{"region": "us-west-1", "product": "baseline-vpc"}]`,
		}},
		{"target fields", `{"all": true, "targets": ["us-west-1/baseline-vpc", {"region": 1, "product": "baseline-vpc", "version": "v2.0", "region": "us-west-1"}]}`, []string{
			`targets[0]: must be an object, got string; write {"region": "us-west-1", "product": "baseline-vpc"}`,
			`targets[1].region: must be a string, got number; write a region code such as "us-west-1" in quotes`,
			`targets[1].version: unknown key; known keys: region, product`,
			`targets[1].region: given more than once; keep one`,
		}},

		// Values.
		{"empty accounts", `{"accounts": []}`, []string{`accounts: empty list; name at least one account or use "all": true`}},
		{"empty ous", `{"ous": []}`, []string{`ous: empty list; name at least one OU or use "all": true`}},
		{"empty regions, products and status accounts", `{"status": {"accounts": [], "regions": [], "products": []}}`, []string{
			`status.accounts: empty list; name at least one account or use "all": true`,
			`status.regions: empty list; name at least one region, or leave "regions" out for every region of the plan`,
			`status.products: empty list; name at least one product key, or leave "products" out for every product of the plan`,
		}},
		{"empty targets", `{"all": true, "targets": []}`, []string{`targets: empty list; name at least one {"region": "us-west-1", "product": "baseline-vpc"}, or leave "targets" out`}},
		{"bad account IDs", `{"accounts": ["2222-2222-2222", " 222222222222", "22222222222", "ou-ab12-l3zc8b3h", "", "222222222222", "222222222222"]}`, []string{
			`accounts[0]: is not a 12-digit account ID (got "2222-2222-2222"); did you mean "222222222222"?`,
			`accounts[1]: is not a 12-digit account ID (got " 222222222222"); did you mean "222222222222"?`,
			`accounts[2]: is not a 12-digit account ID (got "22222222222"); AWS account IDs are exactly 12 digits, such as "123456789012"`,
			`accounts[3]: is not a 12-digit account ID (got "ou-ab12-l3zc8b3h"); that is an OU ID: select it with "ous"`,
			`accounts[4]: is empty; write the 12-digit account ID, such as "123456789012"`,
			`accounts[6]: repeats accounts[5] (got "222222222222"); remove it`,
		}},
		{"bad OU IDs", `{"ous": ["Custom", "222222222222", "OU-AB12-L3ZC8B3H", "ou-ab12", "", "r-ab12", "r-ab12"]}`, []string{
			`ous[0]: is not an OU ID (got "Custom"); use the OU's ID, such as "ou-ab12-l3zc8b3h", not its name; the root's ID looks like "r-ab12"`,
			`ous[1]: is not an OU ID (got "222222222222"); that is an account ID: select it with "accounts"`,
			`ous[2]: is not an OU ID (got "OU-AB12-L3ZC8B3H"); did you mean "ou-ab12-l3zc8b3h"?`,
			`ous[3]: is not an OU ID (got "ou-ab12"); use the OU's ID, such as "ou-ab12-l3zc8b3h", not its name; the root's ID looks like "r-ab12"`,
			`ous[4]: is empty; write the OU ID, such as "ou-ab12-l3zc8b3h"`,
			`ous[6]: repeats ous[5] (got "r-ab12"); remove it`,
		}},
		{"bad regions", `{"all": true, "regions": ["us-west-2", "us-west-9", "US-EAST-1", "eu-west-4", "us-east-1a", "mars-1", "", "us-west-2"]}`, []string{
			`regions[1]: is not an AWS region (got "us-west-9"); did you mean "us-west-1" or "us-west-2"?`,
			`regions[2]: is not an AWS region (got "US-EAST-1"); did you mean "us-east-1"?`,
			`regions[3]: is not an AWS region (got "eu-west-4"); did you mean "eu-west-1", "eu-west-2" or "eu-west-3"?`,
			`regions[4]: is not an AWS region (got "us-east-1a"); did you mean "us-east-1"?`,
			`regions[5]: is not an AWS region (got "mars-1"); use a region code, such as "us-west-1"`,
			`regions[6]: is empty; write a region code, such as "us-west-1"`,
			`regions[7]: repeats regions[0] (got "us-west-2"); remove it`,
		}},
		{"bad product keys", `{"all": true, "products": ["Baseline VPC", "-vpc", "", "baseline-vpc", "baseline-vpc", "` + strings.Repeat("a", 64) + `"]}`, []string{
			`products[0]: is not a product key (got "Baseline VPC"); did you mean "baseline-vpc"? product keys are the plan's keys: lower-case letters, digits and dashes`,
			`products[1]: is not a product key (got "-vpc"); product keys are the plan's keys: lower-case letters, digits and dashes, such as "baseline-vpc"`,
			`products[2]: is empty; write a product key, such as "baseline-vpc"`,
			`products[4]: repeats products[3] (got "baseline-vpc"); remove it`,
			`products[5]: is not a product key (got "` + strings.Repeat("a", 64) + `"); product keys are the plan's keys: lower-case letters, digits and dashes, such as "baseline-vpc"`,
		}},
		{"bad targets", `{"all": true, "targets": [{"region": "us-west-1", "product": "baseline-vpc"}, {"region": "us-west-9", "product": "Baseline"}, {}, {"product": "baseline-vpc", "region": "us-west-1"}]}`, []string{
			`targets[1].region: is not an AWS region (got "us-west-9"); did you mean "us-west-1" or "us-west-2"?`,
			`targets[1].product: is not a product key (got "Baseline"); did you mean "baseline"? product keys are the plan's keys: lower-case letters, digits and dashes`,
			`targets[2].region: missing; name the region, such as "us-west-1"`,
			`targets[2].product: missing; name the product by its plan key, such as "baseline-vpc"`,
			`targets[3]: repeats targets[0] (got "us-west-1/baseline-vpc"); remove it`,
		}},
		{"targets with regions and products", `{"all": true, "regions": ["us-west-1"], "products": ["baseline-vpc"], "targets": [{"region": "us-west-1", "product": "baseline-vpc"}]}`, []string{
			`targets: cannot be combined with "regions" and "products"; either list region/product pairs in "targets", or use "regions" and "products" for every combination`,
		}},
		{"targets with products", `{"all": true, "products": ["baseline-vpc"], "targets": [{"region": "us-west-1", "product": "baseline-vpc"}]}`, []string{
			`targets: cannot be combined with "products"; either list region/product pairs in "targets", or use "regions" and "products" for every combination`,
		}},

		// Status queries.
		{"status selects nothing", `{"status": {}}`, []string{`status: selects nothing; give exactly one of "accounts", "ous" or "all": true inside it`}},
		{"status selects two", `{"status": {"accounts": ["222222222222"], "all": true}}`, []string{
			`status: gives "accounts" and "all" together; give exactly one of "accounts", "ous" or "all": true inside it; send separate requests for separate selections`,
		}},
		{"status recursive without ous", `{"status": {"all": true, "recursive": true}}`, []string{`status.recursive: applies only to "ous"; remove it, or select OUs with "status.ous"`}},
		{"status with run options", `{"status": {"all": true}, "dryRun": true, "onlyMissing": true, "includeManagementAccount": true, "regions": ["us-east-1"], "products": ["baseline-vpc"]}`, []string{
			`regions: does not apply to a status query; put it inside status, as status.regions`,
			`products: does not apply to a status query; put it inside status, as status.products`,
			`dryRun: does not apply to a status query; remove it: a status query changes nothing anyway`,
			`onlyMissing: does not apply to a status query; remove it: a status query reports every target`,
			`includeManagementAccount: does not apply to a status query; remove it`,
		}},
		{"status with targets", `{"status": {"all": true}, "targets": [{"region": "us-east-1", "product": "baseline-vpc"}]}`, []string{
			`targets: does not apply to a status query; a status query filters with status.regions and status.products`,
		}},
		{"status values", `{"status": {"ous": ["Custom"], "regions": ["us-west-9"], "products": ["Baseline"]}}`, []string{
			`status.ous[0]: is not an OU ID (got "Custom"); use the OU's ID, such as "ou-ab12-l3zc8b3h", not its name; the root's ID looks like "r-ab12"`,
			`status.regions[0]: is not an AWS region (got "us-west-9"); did you mean "us-west-1" or "us-west-2"?`,
			`status.products[0]: is not a product key (got "Baseline"); did you mean "baseline"? product keys are the plan's keys: lower-case letters, digits and dashes`,
		}},
		{"status account numbers", `{"status": {"accounts": [222222222222]}}`, []string{
			`status.accounts[0]: is the number 222222222222, not a string; write it in quotes, "222222222222": a JSON number cannot keep an account ID's leading zeros`,
		}},

		// Everything at once: type, key, selection and value problems.
		{"many problems", `{"acounts": ["1"], "accounts": [1, "2"], "all": true, "regions": ["us-west-9"], "dryRun": "yes"}`, []string{
			`acounts: unknown key; did you mean "accounts"?`,
			`accounts[0]: is the number 1, not a string; write the 12-digit account ID in quotes, such as "123456789012": a JSON number cannot keep leading zeros`,
			`dryRun: must be true or false, got string; write "dryRun": true or false, without quotes`,
			`(payload): gives "accounts" and "all" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
			`accounts[1]: is not a 12-digit account ID (got "2"); AWS account IDs are exactly 12 digits, such as "123456789012"`,
			`regions[0]: is not an AWS region (got "us-west-9"); did you mean "us-west-1" or "us-west-2"?`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err == nil {
				t.Fatalf("Decode = %+v, want errors:\n%s", got, strings.Join(tt.want, "\n"))
			}
			if got != nil {
				t.Errorf("Decode returned %+v with the error, want nil", got)
			}
			if lines := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(lines, tt.want) {
				t.Errorf("errors:\ngot\n  %s\nwant\n  %s", strings.Join(lines, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if n := len(problems(err)); n != len(tt.want) {
				t.Errorf("error holds %d *FieldError, want %d", n, len(tt.want))
			}
		})
	}
}

// problems unpacks the *FieldError values of a Decode error.
func problems(err error) []*FieldError {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []*FieldError
	for _, e := range errs {
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, fe)
		}
	}
	return out
}

func TestFieldErrorFields(t *testing.T) {
	_, err := Decode([]byte(`{"all": true, "regions": ["us-west-1", "us-west-9"]}`))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("Decode error %T is not a *FieldError", err)
	}
	want := FieldError{Field: "regions[1]", Value: "us-west-9", Problem: "is not an AWS region", Fix: `did you mean "us-west-1" or "us-west-2"?`}
	if *fe != want {
		t.Errorf("FieldError = %+v, want %+v", *fe, want)
	}
	long := &FieldError{Field: "f", Value: strings.Repeat("x", 100), Problem: "is bad"}
	if got, want := long.Error(), `f: is bad (got "`+strings.Repeat("x", maxValueLen)+`…")`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestValidateBuiltRequests(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want string
	}{
		{"valid", Request{Accounts: []string{"222222222222"}, Targets: []Pair{{"us-west-1", "baseline-vpc"}}}, ""},
		{"nothing", Request{}, `(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`},
		{"empty, not nil", Request{Accounts: []string{}}, `accounts: empty list; name at least one account or use "all": true`},
		{"two selections", Request{All: true, OUs: []string{"ou-ab12-l3zc8b3h"}}, `(payload): gives "ous" and "all" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`},
		{"bad values", Request{Accounts: []string{"1"}, Regions: []string{"xx-1"}}, strings.Join([]string{
			`accounts[0]: is not a 12-digit account ID (got "1"); AWS account IDs are exactly 12 digits, such as "123456789012"`,
			`regions[0]: is not an AWS region (got "xx-1"); use a region code, such as "us-west-1"`,
		}, "\n")},
		{"status with dry run", Request{Status: &StatusRequest{All: true}, DryRun: true}, `dryRun: does not apply to a status query; remove it: a status query changes nothing anyway`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate():\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestMarshalRoundTrip checks that a request the CLI marshals decodes back to
// itself: the omitempty tags must not produce keys Decode rejects.
func TestMarshalRoundTrip(t *testing.T) {
	for _, r := range []*Request{
		{Accounts: []string{"222222222222"}, Targets: []Pair{{"us-west-1", "baseline-vpc"}}, DryRun: true, OnlyMissing: true},
		{OUs: []string{"ou-ab12-l3zc8b3h"}, Recursive: true, IncludeManagement: true, Regions: []string{"us-east-1"}},
		{Status: &StatusRequest{OUs: []string{"r-ab12"}, Recursive: true, Products: []string{"security-audit"}}, RequestedBy: "alice"},
		{Runs: &RunsRequest{Since: "36h", Status: "PARTIAL"}},
	} {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(raw)
		if err != nil {
			t.Errorf("Decode(%s): %v", raw, err)
			continue
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("Decode(%s) = %+v, want %+v", raw, got, r)
		}
	}
}

// TestExamples decodes the payload examples kept in testdata, the ones the
// README and the console test events show operators.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/examples/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples in testdata/examples")
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Decode(raw)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		want := Kind(strings.SplitN(strings.TrimSuffix(filepath.Base(file), ".json"), "-", 2)[0])
		if r.Kind() != want {
			t.Errorf("%s: Kind() = %q, want %q (the file name's prefix)", file, r.Kind(), want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"accounts": ["222222222222"], "regions": ["us-west-1"], "products": ["baseline-vpc"], "dryRun": true}`,
		`{"ous": ["ou-ab12-l3zc8b3h"], "recursive": true}`,
		`{"all": true}`,
		`{"accounts": ["222222222222"], "targets": [{"region":"us-west-1","product":"baseline-vpc"}]}`,
		`{"accounts":["222222222222"],"onlyMissing":true}`,
		`{"status": {"accounts": ["222222222222"]}}`,
		`{"status": {"ous": ["r-ab12"], "recursive": true}, "dryRun": true}`,
		`{"acounts": [1], "targets": [{"regoin": 1}, 2]}`,
		`{"accounts": "x", "accounts": []}`,
		`{"runs": {}}`,
		`{"runs": {"account": "222222222222", "since": "7d", "status": "failed", "limit": 50}, "requestedBy": "arn:aws:iam::111111111111:user/alice"}`,
		`{"runs": {"since": "1h30m", "limit": 1e2}, "dryRun": true}`,
		`{"run": "manual-0f8a4b1c-222222222222"}`,
		`{"cancel": "r1", "requestedBy": "alice"}`,
		`{"cancel": "", "run": 5, "requestedBy": "a\u0000"}`,
		`[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Decode(raw)
		if (r == nil) == (err == nil) {
			t.Fatalf("Decode = %v, %v: want exactly one of a request and an error", r, err)
		}
		if err != nil {
			for _, fe := range problems(err) {
				if fe.Problem == "" {
					t.Fatalf("problem without text: %+v", fe)
				}
			}
			return
		}
		if r.Kind() == "" {
			t.Fatalf("accepted request selects nothing: %+v", r)
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted request fails Validate: %v", err)
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(again)
		if err != nil || !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip of %s: %+v, %v; want %+v", again, back, err, r)
		}
	})
}
