package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/landfall/landfall/internal/localaws/catalog"
)

func TestValidateAcceptsTestSpec(t *testing.T) {
	if err := testSpec().Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(s *catalog.Spec)
		want   []string
	}{
		{"unknown region", func(s *catalog.Spec) { s.Regions[1].Region = "us-west-9" },
			[]string{`regions[1].region: "us-west-9" is not an AWS region code`}},
		{"region twice", func(s *catalog.Spec) { s.Regions[1].Region = "us-east-1" },
			[]string{"regions[1].region: us-east-1 is already described by regions[0]"}},
		{"guidance", func(s *catalog.Spec) { s.Regions[0].Products[0].Artifacts[2].Guidance = "DEPRECATE" },
			[]string{`regions[0].products[0].artifacts[2].guidance: "DEPRECATE" is not DEFAULT or DEPRECATED`}},
		{"portfolio lists an unknown product", func(s *catalog.Spec) {
			s.Regions[0].Portfolios[0].Products = append(s.Regions[0].Portfolios[0].Products, "prod-nope")
		}, []string{`regions[0].portfolios[0].products[3]: product "prod-nope" is not defined in regions[0].products`}},
		{"duplicate product ID", func(s *catalog.Spec) { s.Regions[0].Products[1].ID = "prod-ue1vpc" },
			[]string{"regions[0].products[1].id: prod-ue1vpc is already used by regions[0].products[0]",
				`regions[0].portfolios[0].products[1]: product "prod-ue1audit" is not defined`}},
		{"duplicate artifact ID across products", func(s *catalog.Spec) { s.Regions[0].Products[1].Artifacts[0].ID = "pa-ue1vpc10" },
			[]string{"regions[0].products[1].artifacts[0].id: pa-ue1vpc10 is already used by regions[0].products[0].artifacts[0]"}},
		{"same IDs in two regions are fine", func(s *catalog.Spec) { s.Regions[1].Products[0].Artifacts[0].ID = "pa-ue1vpc10" }, nil},
		{"bad prefixes", func(s *catalog.Spec) {
			s.Regions[0].Portfolios[0].ID = "portfolio1"
			s.Regions[0].Products[0].Artifacts[0].ID = ""
		}, []string{`regions[0].portfolios[0].id: "portfolio1" does not start with port-`, "regions[0].products[0].artifacts[0].id: required (an ID starting with pa-)"}},
		{"bad share", func(s *catalog.Spec) {
			s.Regions[0].Portfolios[0].Shares = []string{"org", "organization", "organization"}
		},
			[]string{`regions[0].portfolios[0].shares[0]: "org" is not "organization"`, `shares[2]: "organization" is listed twice`}},
		{"owner", func(s *catalog.Spec) { s.Regions[0].Portfolios[1].Owner = "1234" },
			[]string{`regions[0].portfolios[1].owner: "1234" is not a 12-digit account ID`}},
		{"product account", func(s *catalog.Spec) { s.Regions[0].Products[0].Account = "12" },
			[]string{`regions[0].products[0].account: "12" is not a 12-digit account ID`}},
		{"same name in one account", func(s *catalog.Spec) { s.Regions[0].Products[1].Name = "baseline-vpc" },
			[]string{`regions[0].products[1].name: "baseline-vpc" is already used by regions[0].products[0]`}},
		{"same name in two accounts is fine", func(s *catalog.Spec) {
			s.Regions[0].Products[1].Name = "baseline-vpc"
			s.Regions[0].Products[1].Account = "222222222222"
		}, nil},
		{"artifact without created time", func(s *catalog.Spec) { s.Regions[0].Products[0].Artifacts[1].Created = time.Time{} },
			[]string{"regions[0].products[0].artifacts[1].created: required"}},
		{"version names unique", func(s *catalog.Spec) { s.Regions[0].Products[0].Artifacts[1].Name = "v1.0" },
			[]string{`regions[0].products[0].artifacts[1].name: "v1.0" is already used by regions[0].products[0].artifacts[0]`}},
		{"no artifacts", func(s *catalog.Spec) { s.Regions[0].Products[3].Artifacts = nil },
			[]string{"regions[0].products[3].artifacts: at least one artifact"}},
		{"parameters", func(s *catalog.Spec) {
			a := &s.Regions[0].Products[1].Artifacts[0]
			a.Parameters = []catalog.ParameterSpec{
				{Key: "Bad-Key"},
				{Key: "Env", Default: ptr("qa"), AllowedValues: []string{"dev"}},
				{Key: "Cidr", AllowedPattern: "(", Type: "Strin"},
				{Key: "Env"},
				{Key: "Zone", Default: ptr("x"), AllowedPattern: "[0-9]+"},
			}
		}, []string{
			`artifacts[0].parameters[0].key: "Bad-Key" is not a CloudFormation parameter name`,
			`parameters[1].default: "qa" is not one of allowedValues [dev]`,
			`parameters[2].allowedPattern: "(" does not compile`,
			`parameters[2].type: "Strin" is not one of String`,
			`parameters[3].key: "Env" is defined twice`,
			`parameters[4].default: "x" does not match allowedPattern [0-9]+`,
		}},
		{"provisioning", func(s *catalog.Spec) {
			p := &s.Regions[0].Products[1].Artifacts[0].Provisioning
			p.Outcome = "OK"
			p.Duration = -time.Second
			p.Accounts = map[string]catalog.OutcomeSpec{"abc": {Outcome: "MAYBE"}}
		}, []string{
			`provisioning.outcome: "OK" is not SUCCEEDED or FAILED`,
			"provisioning.duration: -1s is negative",
			`provisioning.accounts[abc]: "abc" is not a 12-digit account ID`,
			`provisioning.accounts[abc].outcome: "MAYBE" is not SUCCEEDED or FAILED`,
		}},
		{"outputs", func(s *catalog.Spec) {
			s.Regions[0].Products[0].Artifacts[0].Outputs = map[string]string{"Vpc-Id": "x", "Cidr": "${VpcCIDR} in ${AWS::Region}"}
		}, []string{
			`outputs[Vpc-Id]: "Vpc-Id" is not a CloudFormation output name`,
			"outputs[Cidr]: ${VpcCIDR} is neither a parameter of this version",
		}},
		{"principals", func(s *catalog.Spec) {
			s.Regions[0].Portfolios[0].Principals = []catalog.PrincipalSpec{
				{Type: "IAM", ARN: "arn:aws:iam:::role/X"},
				{Type: "IAM_PATTERN", ARN: "arn:aws:iam::111111111111:role/X"},
				{Type: "GROUP", ARN: "x"},
			}
		}, []string{
			`principals[0].arn: "arn:aws:iam:::role/X" is not an IAM role or user ARN`,
			`principals[1].arn: "arn:aws:iam::111111111111:role/X" is not an IAM_PATTERN ARN`,
			`principals[2].type: "GROUP" is not IAM or IAM_PATTERN`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSpec()
			tt.modify(&s)
			err := s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted the spec, want %q", tt.want)
			}
			// Every problem is reported at once, one per line.
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
			if n := len(strings.Split(err.Error(), "\n")); n != len(tt.want) {
				t.Errorf("%d problems reported, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}

func TestNewRejectsOwnerOutsideOrganization(t *testing.T) {
	s := testSpec()
	for i := range s.Regions[1].Portfolios {
		s.Regions[1].Portfolios[i].Owner = "999999999999"
	}
	_, err := catalog.New(s, newFakeDirectory(), catalog.Options{})
	if err == nil || !strings.Contains(err.Error(), "regions[1].portfolios[0].owner: account 999999999999 is not in the organization") {
		t.Fatalf("New = %v", err)
	}
}

func TestSpecFromYAML(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "catalog.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var spec catalog.Spec
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := spec.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	a := spec.Regions[0].Products[0].Artifacts[0]
	p := a.Parameters
	if p[0].Default != nil || p[1].Default == nil || *p[1].Default != "" || p[2].Default == nil || *p[2].Default != "dev" {
		t.Errorf("defaults: absent must stay nil and \"\" must be kept: %+v", p)
	}
	if a.Provisioning.Duration != 3*time.Minute || a.Provisioning.Accounts["333333333333"].Outcome != "FAILED" ||
		!a.Created.Equal(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)) || a.Active == nil || *a.Active {
		t.Errorf("artifact = %+v", a)
	}
}
