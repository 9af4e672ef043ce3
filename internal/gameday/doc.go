// Package gameday runs fault scenarios against the whole of Landfall on the
// local AWS emulator and measures what matters to an operator on a bad day:
// did every planned target end somewhere an operator can see, was anything
// provisioned twice, did every run tell its story exactly once, and was that
// story true.
//
// Each Scenario is a small declarative entry: a plan tweak, a world tweak,
// fault rules, and the triggers (Control Tower events, manual payloads,
// concurrent deliveries, drains of the work queue) that play it out. Run
// plays one on a fresh emulator with the real launch and worker handlers
// (package localrun) on the emulated clock, then counts, from the run
// ledger, the emulator's Service Catalog, the summary topic and the two
// parking queues, the columns of a Row:
//
//   - planned: the targets of every run the scenario's triggers created
//     (the ledger's runs), plus, for an event parked in the launch
//     function's on-failure queue before the ledger recorded its run, the
//     targets the plan gives its account.
//   - succeeded: targets whose final status is OK (SUCCEEDED,
//     ALREADY_PROVISIONED, OUTDATED).
//   - lost: planned targets that never reached a final status in a finished
//     run, and whose run is not parked in the work queue's dead-letter
//     queue or in the launch function's on-failure queue. A parked run is
//     not lost: it waits for an operator, and its queue's alarm has fired.
//   - duplicate products: provisioned products in the emulator beyond one
//     per (account, region, catalog product).
//   - summaries per run: the number of run-summary notifications on the
//     topic per run ID (message attribute landfall.run). "1" says every run
//     sent exactly one. A run the plan keeps quiet (an event run that
//     changed nothing, notifications.unchangedEventRuns: skip) is satisfied
//     with none, and so is a backfill's run whose backfill sent its one
//     roll-up exactly once, and a parked run; the cell counts them apart, e.g.
//     "1 · 2 quiet · 1 in DLQ".
//   - truthful: every published summary matched the emulator at the moment
//     it was published: a SUCCEEDED or ALREADY_PROVISIONED line has an
//     AVAILABLE provisioned product of that name on that version in that
//     account and region; OUTDATED has an AVAILABLE one; FAILED with a
//     record has that record not succeeded and the product not AVAILABLE;
//     a line that never started (SKIPPED, or FAILED, CANCELLED, TIMED_OUT
//     without a record) has no product created by that run (its
//     provisioning token); a line naming a record names one that exists;
//     every account a backfill's roll-up lists under a cause has no
//     AVAILABLE product of that product in that region.
//   - emulated time: how far the emulated clock moved; wall time: real time.
//
// The invariants (Row.Holds) are 0 lost, 0 duplicate products, every run
// with exactly one summary or satisfied without one, and truthful. The
// package's test runs every scenario and fails on any row that breaks them,
// and checks that README.md's game-day table shows the same rows.
// `make gameday` prints the table as Markdown (go run ./internal/gameday/cmd).
package gameday
