package manual

import (
	"reflect"
	"slices"
	"testing"
)

func TestDecodeDrift(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Request
	}{
		{"whole organization", `{"drift": {"all": true}}`, &Request{Drift: &StatusRequest{All: true}}},
		{"an OU tree in one region", `{"drift": {"ous": ["ou-ab12-w0rkl0ad"], "recursive": true, "regions": ["us-west-2"]}}`,
			&Request{Drift: &StatusRequest{OUs: []string{"ou-ab12-w0rkl0ad"}, Recursive: true, Regions: []string{"us-west-2"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) || got.Kind() != KindDrift {
				t.Errorf("got %+v kind %s, want %+v kind drift", got, got.Kind(), tt.want)
			}
		})
	}
}

func TestDecodeDriftErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"misspelt key", `{"drfit": {"all": true}}`, []string{
			`drfit: unknown key; did you mean "drift"?`,
			`(payload): selects nothing; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"`,
		}},
		{"drift and status together", `{"drift": {"all": true}, "status": {"all": true}}`, []string{
			`(payload): gives "status" and "drift" together; give exactly one of "accounts", "ous", "all": true, "status", "drift", "runs", "run" or "cancel"; send separate requests for separate selections`,
		}},
		{"not an object", `{"drift": true}`, []string{
			`drift: must be an object, got boolean; write "drift": {"accounts": [...]}, {"ous": [...]} or {"all": true}`,
		}},
		{"selects nothing inside", `{"drift": {"regions": ["us-west-2"]}}`, []string{
			`drift: selects nothing; give exactly one of "accounts", "ous" or "all": true inside it`,
		}},
		{"misspelt inner key", `{"drift": {"al": true}}`, []string{
			`drift.al: unknown key; did you mean "all"?`,
			`drift: selects nothing; give exactly one of "accounts", "ous" or "all": true inside it`,
		}},
		{"run options next to it", `{"drift": {"all": true}, "onlyMissing": true, "regions": ["us-west-2"], "recursive": true}`, []string{
			`recursive: applies only to "ous"; inside a drift query, write it as drift.recursive next to drift.ous`,
			`regions: does not apply to a drift query; put it inside drift, as drift.regions`,
			`onlyMissing: does not apply to a drift query; remove it: a drift query reports every target`,
		}},
		{"recursive without OUs", `{"drift": {"accounts": ["222222222222"], "recursive": true}}`, []string{
			`drift.recursive: applies only to "ous"; remove it, or select OUs with "drift.ous"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if got != nil || err == nil {
				t.Fatalf("Decode = %+v, %v; want an error", got, err)
			}
			var msgs []string
			for _, p := range problems(err) {
				msgs = append(msgs, p.Error())
			}
			if !slices.Equal(msgs, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", msgs, tt.want)
			}
		})
	}
}
