package iampolicy_test

import (
	"testing"

	"github.com/landfall/landfall/internal/localaws/iampolicy"
)

// FuzzParse checks that Parse never panics, that what it accepts prints back
// to a document it accepts again unchanged, and that evaluating an accepted
// policy never panics.
func FuzzParse(f *testing.F) {
	for _, doc := range landfallPolicies {
		f.Add(doc)
	}
	f.Add(stmt(`"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, 'x'}/${*}","Condition":{"ForAllValues:StringLikeIfExists":{"k":["a*",1,true]},"Null":{"j":false}}`))
	f.Add(stmt(`"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","` + workerRole + `"],"Service":"s"},"NotAction":"iam:*","NotResource":"*"`))
	f.Add(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::*:role/${"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := iampolicy.Parse([]byte(doc))
		if err != nil {
			return
		}
		again, err := iampolicy.Parse([]byte(p.String()))
		if err != nil {
			t.Fatalf("String() of an accepted policy is refused: %v\n%s", err, p)
		}
		if again.String() != p.String() {
			t.Fatalf("String() changed on a second parse:\n%s\n%s", p, again)
		}
		r := iampolicy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alice/*", Principal: worker,
			Context: map[string][]string{"aws:username": {"alice"}, "k": {"a", "b"}}}
		p.Identity(r)
		p.Resource(r)
		iampolicy.Decide(r, []*iampolicy.Policy{p}, p, "")
	})
}
