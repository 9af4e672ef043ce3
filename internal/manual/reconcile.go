package manual

// ReconcilePayload is what the reconcile schedule (cdk.json
// landfall:reconcileSchedule) sends the launch function: a backfill of
// every account the plan selects that acts only on targets missing or
// failed (onlyMissing), so that accounts whose Control Tower events were
// missed converge. Being a backfill, it reports as one roll-up (plan
// notifications.backfills). Its requestedBy names the schedule, which the
// audit record and the roll-up show.
const ReconcilePayload = `{"all":true,"onlyMissing":true,"requestedBy":"` + ReconcileRequestedBy + `"}`

// ReconcileRequestedBy is the reconcile schedule's requestedBy.
const ReconcileRequestedBy = "landfall reconcile schedule"
