package provision

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sctypes "github.com/aws/aws-sdk-go-v2/service/servicecatalog/types"

	"github.com/landfall/landfall/internal/plan"
	"github.com/landfall/landfall/internal/runstate"
)

// Token derives a deterministic ProvisionToken/UpdateToken: the same run
// retrying the same call (a Lambda retry, an SQS redelivery) gets the same
// token and so the same record, never a second product. Tokens differ across
// runs; across runs the unique provisioned-product name prevents duplicates.
func Token(kind, runID, region, product, artifactID string) string {
	h := sha256.Sum256([]byte(strings.Join([]string{kind, runID, region, product, artifactID}, "\x00")))
	return "lf" + kind + hex.EncodeToString(h[:20])
}

// keyValues turns a map into Service Catalog's key/value list, sorted by key
// so that a retried call sends the same bytes.
func keyValues[T any](m map[string]string, pair func(k, v *string) T) []T {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, pair(aws.String(k), aws.String(m[k])))
	}
	return out
}

func provisioningParameters(params map[string]string) []sctypes.ProvisioningParameter {
	return keyValues(params, func(k, v *string) sctypes.ProvisioningParameter {
		return sctypes.ProvisioningParameter{Key: k, Value: v}
	})
}

func updateParameters(params map[string]string) []sctypes.UpdateProvisioningParameter {
	return keyValues(params, func(k, v *string) sctypes.UpdateProvisioningParameter {
		return sctypes.UpdateProvisioningParameter{Key: k, Value: v}
	})
}

func scTags(tags map[string]string) []sctypes.Tag {
	return keyValues(tags, func(k, v *string) sctypes.Tag { return sctypes.Tag{Key: k, Value: v} })
}

// placement is what the plan says about target t of product p, for rendering.
func placement(p *plan.Product, t *runstate.Target) plan.Placement {
	return plan.Placement{Region: t.Region, Product: p, Portfolio: p.Portfolios[t.Region], ProvisionedProductName: t.ProvisionedProductName}
}
