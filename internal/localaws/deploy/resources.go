package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// add records one resolved resource. Policies attach to what they name,
// which may come later in the template, so attachments are resolved by
// name against everything added so far and again when the target appears.
func (d *Deployment) add(id, typ string, p map[string]any, r *resolver) error {
	switch typ {
	case typeRole:
		return d.addRole(id, p, r)
	case typePolicy:
		return d.attachPolicy(id, p)
	case typeQueue:
		return d.addQueue(id, p, r)
	case typeQueuePolicy:
		return d.attachResourcePolicy(p, "Queues", func(ref string, doc json.RawMessage) bool {
			for i := range d.Queues {
				if d.Queues[i].URL == ref {
					d.Queues[i].Policy = doc
					return true
				}
			}
			return false
		})
	case typeTopic:
		arn := r.attrs[id]["TopicArn"]
		d.Topics = append(d.Topics, Topic{LogicalID: id, Name: r.attrs[id]["TopicName"], ARN: arn, KMSKey: str(p["KmsMasterKeyId"])})
		return d.retryPending()
	case typeTopicPolicy:
		return d.attachResourcePolicy(p, "Topics", func(ref string, doc json.RawMessage) bool {
			for i := range d.Topics {
				if d.Topics[i].ARN == ref {
					d.Topics[i].Policy = doc
					return true
				}
			}
			return false
		})
	case typeKey:
		doc, err := json.Marshal(p["KeyPolicy"])
		if err != nil {
			return fmt.Errorf("KeyPolicy: %w", err)
		}
		d.Keys = append(d.Keys, Key{LogicalID: id, ID: r.refs[id], ARN: r.attrs[id]["Arn"], Policy: doc})
	case typeFunction:
		env := map[string]string{}
		if e, ok := p["Environment"].(map[string]any); ok {
			if vars, ok := e["Variables"].(map[string]any); ok {
				for k, v := range vars {
					env[k] = str(v)
				}
			}
		}
		d.Functions = append(d.Functions, Function{LogicalID: id, Name: r.refs[id], ARN: r.attrs[id]["Arn"], Role: str(p["Role"]), Env: env, AsyncRetries: 2})
		return d.retryPending()
	case typeInvokeCfg:
		return d.addInvokeConfig(id, p)
	case typeStackSet:
		return d.addStackSet(id, p, r)
	case typeTable:
		return d.addTable(id, p, r)
	}
	return nil
}

func (d *Deployment) addRole(id string, p map[string]any, r *resolver) error {
	trust, err := json.Marshal(p["AssumeRolePolicyDocument"])
	if err != nil || p["AssumeRolePolicyDocument"] == nil {
		return errors.New("AssumeRolePolicyDocument: a role needs a trust policy")
	}
	role := Role{LogicalID: id, Name: r.refs[id], ARN: r.attrs[id]["Arn"], Trust: trust}
	if inline, ok := p["Policies"].([]any); ok {
		for i, ip := range inline {
			m, _ := ip.(map[string]any)
			doc, err := json.Marshal(m["PolicyDocument"])
			if err != nil || m["PolicyDocument"] == nil {
				return fmt.Errorf("Policies[%d].PolicyDocument: missing", i)
			}
			role.Policies = append(role.Policies, doc)
		}
	}
	if managed, ok := p["ManagedPolicyArns"].([]any); ok {
		for _, m := range managed {
			role.ManagedPolicyARNs = append(role.ManagedPolicyARNs, str(m))
		}
	}
	d.Roles = append(d.Roles, role)
	return d.retryPending()
}

func (d *Deployment) addQueue(id string, p map[string]any, r *resolver) error {
	q := Queue{LogicalID: id, Name: r.attrs[id]["QueueName"], ARN: r.attrs[id]["Arn"], URL: r.refs[id], KMSKey: str(p["KmsMasterKeyId"])}
	if v, ok := p["VisibilityTimeout"]; ok {
		n, err := strconv.Atoi(str(v))
		if err != nil {
			return fmt.Errorf("VisibilityTimeout: %q is not a number of seconds", str(v))
		}
		q.VisibilityTimeout = &n
	}
	if v, ok := p["MessageRetentionPeriod"]; ok {
		n, err := strconv.Atoi(str(v))
		if err != nil {
			return fmt.Errorf("MessageRetentionPeriod: %q is not a number of seconds", str(v))
		}
		q.MessageRetentionPeriod = n
	}
	if rp, ok := p["RedrivePolicy"].(map[string]any); ok {
		q.DeadLetterARN = str(rp["deadLetterTargetArn"])
		n, err := strconv.Atoi(str(rp["maxReceiveCount"]))
		if err != nil || q.DeadLetterARN == "" {
			return fmt.Errorf("RedrivePolicy: want deadLetterTargetArn and a numeric maxReceiveCount, got %s", compact(rp))
		}
		q.MaxReceiveCount = n
	}
	d.Queues = append(d.Queues, q)
	return d.retryPending()
}

// attachPolicy attaches an AWS::IAM::Policy to the roles it names. Roles
// may be declared after the policy: unattached names wait in pending.
func (d *Deployment) attachPolicy(id string, p map[string]any) error {
	doc, err := json.Marshal(p["PolicyDocument"])
	if err != nil || p["PolicyDocument"] == nil {
		return errors.New("PolicyDocument: missing")
	}
	roles, _ := p["Roles"].([]any)
	if len(roles) == 0 {
		return errors.New("the local deployment models policies attached to Roles only, not to Users or Groups")
	}
	for _, rn := range roles {
		d.pending = append(d.pending, pendingAttach{source: id, kind: "Roles", ref: str(rn), apply: func(ref string) bool {
			for i := range d.Roles {
				if d.Roles[i].Name == ref {
					d.Roles[i].Policies = append(d.Roles[i].Policies, doc)
					return true
				}
			}
			return false
		}})
	}
	return d.retryPending()
}

// attachResourcePolicy attaches a queue or topic policy to each resource
// listed under key. AWS keeps one policy per queue or topic, so a second
// policy for the same one would silently replace the first: refused.
func (d *Deployment) attachResourcePolicy(p map[string]any, key string, set func(ref string, doc json.RawMessage) bool) error {
	doc, err := json.Marshal(p["PolicyDocument"])
	if err != nil || p["PolicyDocument"] == nil {
		return errors.New("PolicyDocument: missing")
	}
	refs, _ := p[key].([]any)
	if len(refs) == 0 {
		return fmt.Errorf("%s: names nothing", key)
	}
	for _, ref := range refs {
		ref := str(ref)
		if d.attached[ref] {
			return fmt.Errorf("%s: %s already has a policy; AWS keeps one, so two would replace each other", key, ref)
		}
		if d.attached == nil {
			d.attached = map[string]bool{}
		}
		d.attached[ref] = true
		d.pending = append(d.pending, pendingAttach{kind: key, ref: ref, apply: func(ref string) bool { return set(ref, doc) }})
	}
	return d.retryPending()
}

func (d *Deployment) addStackSet(id string, p map[string]any, r *resolver) error {
	if pm := str(p["PermissionModel"]); pm != "SERVICE_MANAGED" {
		return fmt.Errorf("PermissionModel: %q; the local deployment models service-managed StackSets only", pm)
	}
	s := StackSet{LogicalID: id, Name: r.refs[id], Template: []byte(str(p["TemplateBody"])), Parameters: map[string]string{}}
	if len(s.Template) == 0 {
		return errors.New("TemplateBody: missing (TemplateURL is not modelled)")
	}
	params, _ := p["Parameters"].([]any)
	for _, pv := range params {
		m, _ := pv.(map[string]any)
		s.Parameters[str(m["ParameterKey"])] = str(m["ParameterValue"])
	}
	instances, _ := p["StackInstancesGroup"].([]any)
	for _, in := range instances {
		m, _ := in.(map[string]any)
		for _, reg := range asList(m["Regions"]) {
			s.Regions = append(s.Regions, str(reg))
		}
		if dt, ok := m["DeploymentTargets"].(map[string]any); ok {
			for _, ou := range asList(dt["OrganizationalUnitIds"]) {
				s.OrganizationalUnits = append(s.OrganizationalUnits, str(ou))
			}
		}
	}
	d.StackSets = append(d.StackSets, s)
	return nil
}

// addInvokeConfig records a function's asynchronous invocation settings.
func (d *Deployment) addInvokeConfig(id string, p map[string]any) error {
	name := str(p["FunctionName"])
	var dest string
	if dc, ok := p["DestinationConfig"].(map[string]any); ok {
		if of, ok := dc["OnFailure"].(map[string]any); ok {
			dest = str(of["Destination"])
		}
	}
	retries := -1
	if v, ok := p["MaximumRetryAttempts"]; ok {
		n, err := strconv.Atoi(str(v))
		if err != nil || n < 0 || n > 2 {
			return fmt.Errorf("MaximumRetryAttempts: %q must be 0, 1 or 2", str(v))
		}
		retries = n
	}
	d.pending = append(d.pending, pendingAttach{source: id, kind: "FunctionName", ref: name, apply: func(ref string) bool {
		for i := range d.Functions {
			if d.Functions[i].Name == ref {
				d.Functions[i].OnFailure = dest
				if retries >= 0 {
					d.Functions[i].AsyncRetries = retries
				}
				return true
			}
		}
		return false
	}})
	return d.retryPending()
}

// pendingAttach is a policy waiting for the resource it names.
type pendingAttach struct {
	source, kind, ref string
	apply             func(ref string) bool
}

// retryPending applies every waiting attachment whose target now exists.
func (d *Deployment) retryPending() error {
	kept := d.pending[:0]
	for _, p := range d.pending {
		if !p.apply(p.ref) {
			kept = append(kept, p)
		}
	}
	d.pending = kept
	return nil
}

// Unattached reports policies whose role, queue or topic the template does
// not create.
func (d *Deployment) unattached() error {
	var errs []error
	for _, p := range d.pending {
		errs = append(errs, fmt.Errorf("%s %s: %s is not created by this template", p.source, p.kind, p.ref))
	}
	return errors.Join(errs...)
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// str renders a resolved scalar as CloudFormation passes it to a resource.
func str(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
