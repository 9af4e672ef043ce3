package provision

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/servicecatalog"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/landfall/landfall/internal/region"
	"github.com/landfall/landfall/internal/runstate"
)

// Sessions hands out assumed-role credentials for member accounts: one
// credential cache per (account, session name), kept across invocations of a
// warm Lambda so a run's continuations do not assume the role again.
type Sessions struct {
	// Base is the function's own configuration (management account credentials).
	Base aws.Config
	// RoleName is the execution role assumed in member accounts.
	RoleName string
	// Partition is the ARN partition, derived from the home region when empty.
	Partition string
	// Now tells the time (default time.Now); the local driver passes the
	// emulator's clock so cached sessions age with emulated time.
	Now func() time.Time

	mu sync.Mutex
	// cache holds the sessions by key; order holds the same entries oldest
	// first, which is also the order in which they stop being reusable.
	cache map[sessionKey]*list.Element
	order list.List
	// sts is the one STS client every session's credentials come from:
	// the client is safe for concurrent use, and one per session cost a
	// client's middleware stack and options for each account.
	sts *sts.Client
}

type sessionKey struct{ account, name string }

type cachedConfig struct {
	key     sessionKey
	cfg     aws.Config
	created time.Time
}

// sessionDuration is how long assumed-role credentials last: an hour, the
// most a chained role session may have (the functions' own credentials come
// from their execution role) and the execution role's default maximum, so
// that a run of up to maxReuse assumes the role once.
const sessionDuration = time.Hour

// maxReuse is how long a cached session is handed out again. It is shorter
// than sessionDuration, so a session is never reused across its expiry,
// whatever clock the credentials cache itself believes.
const maxReuse = 50 * time.Minute

// maxCached bounds the cache's memory: a session with its credentials is
// about 2 KiB (TestSessionsMemoryBound), so under 8 MiB in all. Only a
// session created less than maxReuse ago is kept, and a run holds one, so
// what can be live is the runs that stepped within maxReuse: a deployed
// worker container steps one run at a time, at most a few hundred in
// maxReuse; the local driver shares one Sessions among all of its workers
// and a backfill's runs, 200 waves of WorkerConcurrency per maxReuse at the
// designed release rate (1,000 at the default 5). 4,096 covers a whole
// 1,000-account backfill in flight at once four times over. Past the bound
// the session closest to the end of its reuse goes first, never the whole
// cache, so a large fleet does not thrash.
const maxCached = 4096

// RoleARN returns the execution role's ARN in account.
func (s *Sessions) RoleARN(account string) string {
	part := s.Partition
	if part == "" {
		part = region.Partition(s.Base.Region)
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", part, account, s.RoleName)
}

// sessionNameSafe keeps the characters STS allows in a session name
// ([\w+=,.@-]) and replaces the rest with "-".
func sessionNameSafe(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', strings.ContainsRune("_+=,.@-", r):
		return r
	}
	return '-'
}

// SessionName makes a RoleSessionName from a label (a run ID): meaningful in
// CloudTrail, within STS's 2-64 characters of [\w+=,.@-].
func SessionName(label string) string {
	name := "landfall-" + strings.Map(sessionNameSafe, label)
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// Config returns a configuration acting as the execution role in account.
// Credentials are fetched lazily; call Check to find out early whether the
// role can be assumed.
func (s *Sessions) Config(account, sessionName string) aws.Config {
	key := sessionKey{account, sessionName}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.cache[key]; ok {
		if c := el.Value.(*cachedConfig); now.Sub(c.created) < maxReuse {
			return c.cfg
		}
		s.drop(el)
	}
	s.evict(now)
	cfg := s.Base.Copy()
	if s.sts == nil {
		s.sts = sts.NewFromConfig(s.Base)
	}
	provider := stscreds.NewAssumeRoleProvider(s.sts, s.RoleARN(account), func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		o.Duration = sessionDuration
	})
	cfg.Credentials = aws.NewCredentialsCache(provider)
	if s.cache == nil {
		s.cache = make(map[sessionKey]*list.Element)
	}
	s.cache[key] = s.order.PushBack(&cachedConfig{key: key, cfg: cfg, created: now})
	return cfg
}

// evict makes room for one session: it drops every session past its reuse
// (they are oldest first), then, at the bound, the oldest ones left, which
// are the closest to the end of their reuse anyway. Called with s.mu held.
func (s *Sessions) evict(now time.Time) {
	for el := s.order.Front(); el != nil; el = s.order.Front() {
		if now.Sub(el.Value.(*cachedConfig).created) < maxReuse && s.order.Len() < maxCached {
			return
		}
		s.drop(el)
	}
}

func (s *Sessions) drop(el *list.Element) {
	delete(s.cache, el.Value.(*cachedConfig).key)
	s.order.Remove(el)
}

// Check retrieves the credentials, so a role that cannot be assumed (not yet
// propagated in a brand-new account, or missing) is known before any target is
// touched.
func (s *Sessions) Check(ctx context.Context, cfg aws.Config, account string) error {
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return fmt.Errorf("assume %s: %w", s.RoleARN(account), err)
	}
	return nil
}

// Open assumes the execution role in account and returns the role's ARN and
// per-region Service Catalog clients sharing its credentials. It fails when
// the role cannot be assumed, so nothing is attempted in an account Landfall
// cannot act in. Runs, dry runs and fleet status all open accounts here.
func (s *Sessions) Open(ctx context.Context, account, sessionName string) (roleARN string, cats Catalogs, err error) {
	cfg := s.Config(account, sessionName)
	if err := s.Check(ctx, cfg, account); err != nil {
		return "", nil, err
	}
	return s.RoleARN(account), NewCatalogs(cfg), nil
}

// NewCatalogs returns per-region Service Catalog clients built from cfg.
func NewCatalogs(cfg aws.Config, optFns ...func(*servicecatalog.Options)) Catalogs {
	var mu sync.Mutex
	clients := make(map[string]Catalog)
	return func(r string) Catalog {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := clients[r]; ok {
			return c
		}
		opts := append([]func(*servicecatalog.Options){func(o *servicecatalog.Options) { o.Region = r }}, optFns...)
		c := servicecatalog.NewFromConfig(cfg, opts...)
		clients[r] = c
		return c
	}
}

// RoleNotAssumable reports whether err says the role could not be assumed
// (AccessDenied from STS), which right after account creation is usually IAM
// propagation and worth waiting for.
func RoleNotAssumable(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "AccessDeniedException")
}

// Transient reports whether err is worth retrying on a later step: throttling
// or a server fault that outlived the SDK's retries, or a network failure.
func Transient(err error) bool { return classify(err) == classTransient }

// Unreachable reports whether err says the account cannot be used in a region
// (region disabled, credentials refused there).
func Unreachable(err error) bool {
	return classify(err) == classUnreachable
}

// Message returns an AWS error's code and message without SDK wrapping.
func Message(err error) string { return message(err) }

// Opener opens a member account as the execution role; *Sessions implements it.
type Opener interface {
	Open(ctx context.Context, account, sessionName string) (roleARN string, cats Catalogs, err error)
}

var _ Opener = (*Sessions)(nil)

// DryRunner resolves runs as the execution role, read-only.
type DryRunner struct {
	Engine   *Engine
	Accounts Opener
}

// DryRun resolves every target of run (see Engine.Resolve).
func (d DryRunner) DryRun(ctx context.Context, run *runstate.Run) error {
	_, cats, err := d.Accounts.Open(ctx, run.Account.ID, SessionName(run.ID))
	if err != nil {
		return err
	}
	d.Engine.Resolve(ctx, run, cats)
	return nil
}

// NotFound reports whether err is Service Catalog's ResourceNotFoundException.
func NotFound(err error) bool { return classify(err) == classNotFound }
