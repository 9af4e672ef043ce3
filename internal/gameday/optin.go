package gameday

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/landfall/landfall/internal/localaws"
	"github.com/landfall/landfall/internal/localaws/catalog"
)

// The opt-in region scenario: the plan lists ap-east-1 with
// enableOptInRegions, LifeCycle1 has not enabled it, and the worker enables
// it and waits through continuations before provisioning there.

// optInRegion is the real opt-in region the scenario plans (the other
// scenarios' us-west-1 only stands in for one, and the worker's opt-in
// gate asks only about real ones).
const optInRegion = "ap-east-1"

// catalogIn copies the us-west-1 catalog (portfolio, products and
// versions) to region, under IDs of its own (uw1 becomes tag), so the
// plan can name port-<tag>baseline0 there.
func catalogIn(region, tag string) func(*localaws.World) {
	return func(w *localaws.World) {
		i := slices.IndexFunc(w.Catalog.Regions, func(r catalog.RegionSpec) bool { return r.Region == "us-west-1" })
		if i < 0 {
			panic("gameday: the default world has no us-west-1 catalog")
		}
		raw, err := json.Marshal(w.Catalog.Regions[i])
		if err != nil {
			panic(fmt.Sprintf("gameday: copy the us-west-1 catalog: %v", err))
		}
		var copied catalog.RegionSpec
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "uw1", tag)), &copied); err != nil {
			panic(fmt.Sprintf("gameday: copy the us-west-1 catalog: %v", err))
		}
		copied.Region = region
		w.Catalog.Regions = append(w.Catalog.Regions, copied)
	}
}

// optInPlan plans us-east-1 and the opt-in region, which Landfall may enable.
func optInPlan(text string) string {
	text = replaceOnce(text, "regions: [us-east-1, us-west-2, us-west-1]", "regions: [us-east-1, "+optInRegion+"]\nenableOptInRegions: true")
	return replaceOnce(text, "  us-west-1: port-uw1baseline0\n", "  us-west-1: port-uw1baseline0\n  "+optInRegion+": port-ae1baseline0\n")
}
