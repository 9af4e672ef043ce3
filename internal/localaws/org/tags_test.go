package org_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/localaws/org"
)

// taggedSpec is the default world's organization with tags: payments-prod
// has more than a page of them.
func taggedSpec(t *testing.T) org.Spec {
	s := loadSpec(t)
	many := map[string]string{"environment": "prod", "empty": ""}
	for i := range 23 {
		many[fmt.Sprintf("team-%02d", i)] = fmt.Sprintf("value %d", i)
	}
	for i := range s.Accounts {
		switch s.Accounts[i].ID {
		case "666666666666":
			s.Accounts[i].Tags = many
		case "777777777777":
			s.Accounts[i].Tags = map[string]string{"environment": "dev"}
		}
	}
	s.OUs[3].Tags = map[string]string{"tier": "production"} // Prod
	return s
}

func TestListTagsForResource(t *testing.T) {
	s := taggedSpec(t)
	c := client(t, newOrg(t, s), "111111111111")
	ctx := t.Context()

	// Paged: 25 tags take two pages, in key order; the paginator joins them.
	got := map[string]string{}
	pages, prev := 0, ""
	p := organizations.NewListTagsForResourcePaginator(c, &organizations.ListTagsForResourceInput{ResourceId: aws.String("666666666666")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tag := range page.Tags {
			if k := aws.ToString(tag.Key); k <= prev {
				t.Errorf("tag %q after %q: want key order", k, prev)
			} else {
				prev = k
			}
			got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
	}
	if pages != 2 || !maps.Equal(got, s.Accounts[6].Tags) {
		t.Errorf("%d pages of tags %v\nwant 2 pages of %v", pages, got, s.Accounts[6].Tags)
	}

	for _, tt := range []struct {
		id   string
		want map[string]string
	}{
		{"777777777777", map[string]string{"environment": "dev"}},
		{"222222222222", map[string]string{}},                         // an account without tags
		{"ou-ab12-pr0dw0rk", map[string]string{"tier": "production"}}, // an OU
		{"ou-ab12-s4ndb0x1", map[string]string{}},
		{"r-ab12", map[string]string{}}, // the root
	} {
		out, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String(tt.id)})
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		got := map[string]string{}
		for _, tag := range out.Tags {
			got[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		if !maps.Equal(got, tt.want) || out.Tags == nil || out.NextToken != nil {
			t.Errorf("%s: tags %v next %v; want %v", tt.id, out.Tags, out.NextToken, tt.want)
		}
	}
}

func TestListTagsForResourceErrors(t *testing.T) {
	o := newOrg(t, taggedSpec(t))
	mgmt, member := client(t, o, "111111111111"), client(t, o, "222222222222")
	ctx := t.Context()
	tests := []struct {
		name       string
		c          *organizations.Client
		id, token  string
		wantCode   string
		wantReason string
	}{
		{name: "unknown account", c: mgmt, id: "999999999999", wantCode: "TargetNotFoundException"},
		{name: "unknown OU", c: mgmt, id: "ou-ab12-n0tth3re", wantCode: "TargetNotFoundException"},
		{name: "another root", c: mgmt, id: "r-zz99", wantCode: "TargetNotFoundException"},
		{name: "a policy, not modelled", c: mgmt, id: "p-FullAWSAccess", wantCode: "TargetNotFoundException"},
		{name: "malformed", c: mgmt, id: "12345", wantCode: "InvalidInputException", wantReason: "INVALID_PATTERN"},
		{name: "an account name", c: mgmt, id: "payments-prod", wantCode: "InvalidInputException", wantReason: "INVALID_PATTERN"},
		{name: "forged token", c: mgmt, id: "666666666666", token: "bm90LWEtdG9rZW4", wantCode: "InvalidInputException", wantReason: "INVALID_NEXT_TOKEN"},
		{name: "member account", c: member, id: "222222222222", wantCode: "AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &organizations.ListTagsForResourceInput{ResourceId: aws.String(tt.id)}
			if tt.token != "" {
				in.NextToken = aws.String(tt.token)
			}
			_, err := tt.c.ListTagsForResource(ctx, in)
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode {
				t.Fatalf("error = %v, want %s", err, tt.wantCode)
			}
			if tt.wantReason != "" {
				var invalid *orgtypes.InvalidInputException
				if !errors.As(err, &invalid) || string(invalid.Reason) != tt.wantReason {
					t.Errorf("error = %#v, want reason %s", err, tt.wantReason)
				}
			}
		})
	}
	// A token of one resource does not page another.
	out, err := mgmt.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("666666666666")})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %v, %v", out, err)
	}
	_, err = mgmt.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("777777777777"), NextToken: out.NextToken})
	var invalid *orgtypes.InvalidInputException
	if !errors.As(err, &invalid) || invalid.Reason != "INVALID_NEXT_TOKEN" {
		t.Errorf("another resource's token: %v", err)
	}
}

func TestValidateTags(t *testing.T) {
	s := loadSpec(t)
	too := map[string]string{}
	for i := range 51 {
		too[fmt.Sprintf("k%d", i)] = "v"
	}
	s.Accounts[1].Tags = map[string]string{"aws:created": "x", "": "x", "bad#key": "x", "ok": "bad!", strings.Repeat("k", 129): "x", "long": strings.Repeat("v", 257)}
	s.Accounts[2].Tags = too
	s.OUs[0].Tags = map[string]string{"tier": "bad,value"}
	err := s.Validate()
	for _, want := range []string{
		`accounts[1].tags["aws:created"]: tag keys starting with aws: are reserved for AWS`,
		`accounts[1].tags[""]: tag key is 0 characters long; Organizations allows 1 to 128`,
		`accounts[1].tags["bad#key"]: tag keys may only contain`,
		`accounts[1].tags["ok"]: tag value "bad!" may only contain`,
		`tag key is 129 characters long`,
		`accounts[1].tags["long"]: tag value is 257 characters long; Organizations allows up to 256`,
		`accounts[2].tags: has 51 tags; Organizations allows 50 per resource`,
		`ous[0].tags["tier"]: tag value "bad,value" may only contain`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v\nwant it to contain %q", err, want)
		}
	}
	if err := taggedSpec(t).Validate(); err != nil {
		t.Errorf("valid tags: %v", err)
	}
}

// Tags returns a copy: a caller cannot change the organization's tags.
func TestTagsCopied(t *testing.T) {
	o := newOrg(t, taggedSpec(t))
	tags, ok := o.Tags("777777777777")
	if !ok {
		t.Fatal("no tags")
	}
	tags["environment"] = "changed"
	if again, _ := o.Tags("777777777777"); again["environment"] != "dev" {
		t.Errorf("tags changed through a returned map: %v", again)
	}
	if _, ok := o.Tags("999999999999"); ok {
		t.Error("tags of an unknown account")
	}
}
