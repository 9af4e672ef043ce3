// Package stacks is the local AWS emulator's CloudFormation: just enough of
// it for tools that find a deployment through its stack outputs. Stacks are
// registered from Go with Put (there are no templates and no resources) and
// read with the DescribeStacks operation over the awsQuery protocol.
//
// DescribeStacks answers every stack of the caller's account and region in
// one page and never returns a NextToken: an emulated account holds a handful
// of stacks, far below CloudFormation's page size.
package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/landfall/landfall/internal/localaws/clock"
	"github.com/landfall/landfall/internal/localaws/wire"
	"github.com/landfall/landfall/internal/region"
)

// Namespace is CloudFormation's XML namespace.
const Namespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/"

// Stack statuses the emulator reports: a stack is created complete, and
// putting it again is a completed update.
const (
	StatusCreateComplete = "CREATE_COMPLETE"
	StatusUpdateComplete = "UPDATE_COMPLETE"
)

var (
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	stackNamePattern = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
	outputKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9]{1,255}$`)
)

// Stack is one registered stack as DescribeStacks reports it.
type Stack struct {
	// Name is the stack name, unique in its account and region.
	Name string
	// ID is the stack ARN, stable for a given account, region and name.
	ID string
	// Created is when the stack was first put, on the emulator clock.
	Created time.Time
	// Updated is when the stack was last put again; zero if never.
	Updated time.Time
	// Status is StatusCreateComplete or StatusUpdateComplete.
	Status string
	// Outputs maps output keys to values.
	Outputs map[string]string
}

// scope is an account and region, the namespace of stack names.
type scope struct{ account, region string }

// Stacks holds the registered stacks and serves CloudFormation's
// DescribeStacks. It is safe for concurrent use.
type Stacks struct {
	clock clock.Clock

	mu     sync.Mutex
	stacks map[scope]map[string]*Stack
}

var _ wire.Service = (*Stacks)(nil)

// New returns an empty CloudFormation whose stacks are stamped with c's time.
// It panics on a nil clock, a programming error.
func New(c clock.Clock) *Stacks {
	if c == nil {
		panic("stacks.New: nil clock")
	}
	return &Stacks{clock: c, stacks: map[scope]map[string]*Stack{}}
}

// Put creates the stack name in account and region with the given outputs,
// or replaces the outputs of an existing one (an update: same ID and creation
// time). outputs is copied. It panics on an invalid account, region, stack
// name or output key: stacks are put by Go code, so a bad one is a
// programming error, as it is for lambdafn.Functions.Register.
func (s *Stacks) Put(account, region, name string, outputs map[string]string) {
	if err := check(account, region, name, outputs); err != nil {
		panic("stacks.Put: " + err.Error())
	}
	now := s.clock.Now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := scope{account, region}
	byName := s.stacks[sc]
	if byName == nil {
		byName = map[string]*Stack{}
		s.stacks[sc] = byName
	}
	if st, ok := byName[name]; ok {
		st.Outputs = maps.Clone(outputs)
		st.Updated = now
		st.Status = StatusUpdateComplete
		return
	}
	byName[name] = &Stack{
		Name:    name,
		ID:      StackID(account, region, name),
		Created: now,
		Status:  StatusCreateComplete,
		Outputs: maps.Clone(outputs),
	}
}

// Get returns a copy of the stack name or ID in account and region.
func (s *Stacks) Get(account, region, nameOrID string) (Stack, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.find(scope{account, region}, nameOrID)
	if st == nil {
		return Stack{}, false
	}
	return clone(st), true
}

// StackID returns the ARN the emulator gives the stack name in account and
// region. Real stack IDs end in a random UUID; the emulator derives it from
// the stack's identity so tests can predict it.
func StackID(account, reg, name string) string {
	sum := sha256.Sum256([]byte(account + "\x00" + reg + "\x00" + name))
	h := hex.EncodeToString(sum[:16])
	uuid := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	return fmt.Sprintf("arn:%s:cloudformation:%s:%s:stack/%s/%s", region.Partition(reg), reg, account, name, uuid)
}

func check(account, reg, name string, outputs map[string]string) error {
	var problems []string
	if !accountPattern.MatchString(account) {
		problems = append(problems, fmt.Sprintf("account %q is not a 12-digit account ID", account))
	}
	if !region.Known(reg) {
		problems = append(problems, fmt.Sprintf("region %q is not an AWS region", reg))
	}
	if !stackNamePattern.MatchString(name) {
		problems = append(problems, fmt.Sprintf("stack name %q is invalid: start with a letter, then letters, digits and hyphens, at most 128 characters", name))
	}
	for _, k := range slices.Sorted(maps.Keys(outputs)) {
		if !outputKeyPattern.MatchString(k) {
			problems = append(problems, fmt.Sprintf("output key %q is invalid: use 1 to 255 letters and digits", k))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// find returns the stack named nameOrID (a name or a stack ID) in sc, or nil.
// Callers hold s.mu.
func (s *Stacks) find(sc scope, nameOrID string) *Stack {
	byName := s.stacks[sc]
	if st, ok := byName[nameOrID]; ok {
		return st
	}
	if strings.HasPrefix(nameOrID, "arn:") {
		for _, st := range byName {
			if st.ID == nameOrID {
				return st
			}
		}
	}
	return nil
}

func clone(st *Stack) Stack {
	c := *st
	c.Outputs = maps.Clone(st.Outputs)
	return c
}

// SigningName implements wire.Service.
func (*Stacks) SigningName() string { return "cloudformation" }

// Protocol implements wire.Service.
func (*Stacks) Protocol() wire.Protocol { return wire.Query }

// TargetPrefix implements wire.Service.
func (*Stacks) TargetPrefix() string { return "" }

// XMLNamespace implements wire.Service.
func (*Stacks) XMLNamespace() string { return Namespace }

// Operations implements wire.Service.
func (s *Stacks) Operations() map[string]wire.Operation {
	return map[string]wire.Operation{"DescribeStacks": wire.Op(s.describeStacks)}
}

type outputXML struct {
	OutputKey   string `xml:"OutputKey"`
	OutputValue string `xml:"OutputValue"`
}

type stackXML struct {
	StackID         string          `xml:"StackId"`
	StackName       string          `xml:"StackName"`
	CreationTime    wire.Timestamp  `xml:"CreationTime"`
	LastUpdatedTime *wire.Timestamp `xml:"LastUpdatedTime,omitempty"`
	StackStatus     string          `xml:"StackStatus"`
	DisableRollback bool            `xml:"DisableRollback"`
	Outputs         []outputXML     `xml:"Outputs>member"`
}

type describeStacksResult struct {
	Stacks []stackXML `xml:"Stacks>member"`
}

type describeStacksInput struct {
	StackName string
}

func (s *Stacks) describeStacks(r *wire.Request, in *describeStacksInput) (any, error) {
	sc := scope{r.Caller.Account, r.Region}
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*Stack
	if nameOrID := in.StackName; nameOrID != "" {
		st := s.find(sc, nameOrID)
		if st == nil {
			// CloudFormation's exact answer, whether the stack never existed
			// or lives in another account or region.
			return nil, wire.Validation("Stack with id " + nameOrID + " does not exist")
		}
		found = append(found, st)
	} else {
		for _, st := range s.stacks[sc] {
			found = append(found, st)
		}
		slices.SortFunc(found, func(a, b *Stack) int { return strings.Compare(a.Name, b.Name) })
	}
	res := describeStacksResult{Stacks: make([]stackXML, 0, len(found))}
	for _, st := range found {
		res.Stacks = append(res.Stacks, toXML(st))
	}
	return res, nil
}

func toXML(st *Stack) stackXML {
	x := stackXML{
		StackID:      st.ID,
		StackName:    st.Name,
		CreationTime: wire.Timestamp(st.Created),
		StackStatus:  st.Status,
	}
	if !st.Updated.IsZero() {
		u := wire.Timestamp(st.Updated)
		x.LastUpdatedTime = &u
	}
	for _, k := range slices.Sorted(maps.Keys(st.Outputs)) {
		x.Outputs = append(x.Outputs, outputXML{OutputKey: k, OutputValue: st.Outputs[k]})
	}
	return x
}
