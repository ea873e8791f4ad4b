/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The planner: a pure function from (roster, policy, incidents, calls and
 * pauses, previous plan, now) to a plan. No I/O, no clock, no randomness: the same inputs give
 * the same plan, byte for byte. */

#include "core/calls.h"
#include "core/coverage.h"
#include "core/incident.h"
#include "core/plan.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/util.h"

/* Make the plan at instant now (UTC usec; 0 plans the whole roster as if
 * every incident were known when it happened).
 *
 * coverage: operators needed on the phones per team (coverage_build()), or
 * NULL for no requirement.
 * incidents: all incidents known (may be NULL); those with received > now,
 * of an unknown category, or outside every shift of their operator
 * (start <= when < end) are ignored.
 * calls: the operators' calls (call_index_new()), or NULL for none: each a
 * closed span [start, end) in UTC usec, looked up per operator, so a shift
 * costs its operator's calls. The daemon gives a call still in progress
 * at now as [start, now). Without calls (NULL or none of the operator's)
 * the plan is what it was before the planner knew calls, byte for byte.
 * The same index carries the pauses the operators took on their own in
 * the ACD (CallIndex.pauses: closed spans [start, end) before now,
 * whatever the ACD's reason), looked up per operator the same way; they
 * are read only with statutory.pauses_count (below), and without pauses
 * the plan is byte for byte what it was before.
 * previous: the plan of the last revision, or NULL. Its breaks that started
 * before now are kept exactly (frozen; a break in progress is cut only by
 * a call answered during a recovery, see "Interrupted recovery" below),
 * except a break whose start lies strictly inside a call of its operator:
 * that break never began (the daemon held it as due while the operator
 * was on the call) and is placed again from now, keeping its uid and
 * length: when the call is over by now (the daemon revises at its end), at
 * now itself, not on the minute grid, as an ACD's "next status" begins at
 * the call's end (a statutory block when its window allows, else as any
 * block; a recovery when no break begun covers now); while a call still
 * holds now, at the first whole minute after it. Its later statutory and
 * planned breaks stay where they were when still valid, and otherwise move
 * as little as they can.
 *
 * roster must be finished (roster_finish(): sorted, its teams listed).
 * Shifts are planned one after the other in roster order; each sees the
 * breaks of those before it in its team's coverage, and, in a revision, the
 * breaks the previous revision gave those after it (so a revision of all
 * equals planner_revise_operator() of each operator in turn).
 *
 * Rules:
 * - Calls: no break starts strictly inside a call of its operator
 *   (call.start < break.start < call.end); at a call's start or end is
 *   fine. "After a call" below means the first whole minute at or after its
 *   end, or, when another call holds that minute, after that one in turn.
 *   Planned breaks that would start inside a call start after it (keeping
 *   their length, cut at the shift end); so do recoveries and the breaks a
 *   recovery pushes.
 * - Recovery: a category with recovery > 0 earns a break of that length,
 *   starting at the first whole minute at or after max(when, received, now)
 *   and after any break in progress, whatever the coverage (immediate); a
 *   detected prolonged call of policy->prolonged.break_after or more earns
 *   prolonged.length, also at once. Points accumulate per operator in a
 *   sliding accumulation.window; reaching threshold earns a deferrable break
 *   of accumulation.length, and clears the points counted. A recovery also
 *   clears earlier points. A deferrable break starts at the earliest whole
 *   minute within accumulation.max_delay of the incident at which the team
 *   keeps its coverage for the whole break, else at once (counted in
 *   recoveries_short, as is any recovery begun below coverage); places
 *   inside a call are skipped. A recovery whose earliest start lies inside
 *   a call of the operator waits for that call's end. A recovery a call
 *   earned starts when that call ends: at the first whole minute after it,
 *   or, when the operator's next call begins before that minute, at the
 *   very instant it was earned (max(when, received, now): an immediate one
 *   whose operator is free then), the next call interrupting it (below).
 *   Since no statutory or planned break starts inside the call, none sits
 *   between the call's end and the recovery (a break right after merges as
 *   below). A break
 *   longer than what is left of the shift is cut at its end; less than a
 *   minute left: none (recoveries_unserved). A recovery already in the
 *   frozen part is not granted again.
 * - Interrupted recovery: a call that starts strictly inside a recovery
 *   break (not one merged into a planned or statutory break) cuts it at
 *   the call's start (the part taken stays) and its rest, the time cut off
 *   rounded up to whole minutes and at least 1 minute, is granted again as
 *   a recovery after that call (merging and pushing as any recovery; it
 *   may be interrupted in turn): uid "<recovery uid>-rest", then
 *   "-rest-2", …; trigger the call's end; reason "rest of the recovery
 *   interrupted by a call (<the recovery's reason>)". Each cut counts in
 *   recoveries_interrupted. In a revision the frozen parts are read back: a
 *   frozen recovery shorter than it was granted, ending where a call of
 *   the operator starts, was cut there.
 * - Merging: when the next planned or statutory break that has not begun
 *   begins at most merge_margin after the recovery would end (or overlaps
 *   it), the recovery merges into it: that break starts at the recovery's
 *   start and lasts the longer of the two, or, for a statutory break whose
 *   preset does not let recovery count, its own length plus the recovery's
 *   (a recovery does not count toward a statutory break unless the preset
 *   says so, statutory.recovery_counts); it keeps its uid and kind, gets
 *   recovery_uid and trigger, and its reason says "; also recovery after …".
 *   A statutory break merges only when the new place still holds its rule;
 *   otherwise, and for other breaks overlapping, the breaks move to follow
 *   the recovery (one continuous time off). A recovery whose start falls in
 *   a break begun by then waits for its end. Breaks pushed past the shift end
 *   are cut there.
 * - Statutory (respite.conf(5), "statutory"): working time is the shift's
 *   length less its planned breaks. For each rule (tiers of one name), the
 *   highest tier whose more_than it strictly exceeds sets the total
 *   (jp: > 6 h → 45 min, > 8 h → 60 min; Labour Standards Act art. 34(1)).
 *   The missing total is placed as one block, blocks of at least min_block,
 *   or exactly blocks blocks, on the step grid inside [start + earliest,
 *   end - edge_margin], each block starting by latest of work, nearest its
 *   target: where the previous plan had it, else the middle of its share of
 *   the shift (the middle of the shift for one block; ties: the earlier).
 *   Among places, those keeping the team's coverage come first. The grid is
 *   anchored at the shift start; nothing is placed before now. A block
 *   pushed by a recovery follows it when it stays inside its window, else it
 *   is placed again. When no place fits, the block goes anywhere in the
 *   shift (minute grid); a block that cannot start by latest, or not at all,
 *   counts the shift in statutory_violations. Places inside a call of the
 *   operator are skipped; when every place of the window is inside calls,
 *   the place after the call is taken (the nearest to the target, keeping
 *   coverage first) even past latest: when latest came while the operator
 *   was on a call and the block starts right after it, the block counts in
 *   statutory_overruns ("started late because of a call"), not as a
 *   violation. With max_stretch, no work
 *   stretch lasts longer than that without a break of at least min_block
 *   (recovery breaks only when recovery_counts): more pauses of min_block
 *   are added, each as late as the stretch allows (or right after the
 *   call holding that place: not a violation, not counted).
 * - Pauses taken (statutory.pauses_count; jp, jp-vdt: Labour Standards
 *   Act art. 34(1), (3) asks for time off work during working time, free
 *   for the worker's use and splittable, which a pause the operator took
 *   on their own is; de, uk, eu, us-ca, au-clerks, kr do not let it
 *   count, as their breaks are fixed in advance, known as the break when
 *   they begin, or fixed meal and rest periods the employer gives; see
 *   conf/presets):
 *   a pause of the operator that begins inside the shift and ends by its
 *   end counts toward a rule like a block of it already taken (its length
 *   toward the total, one block toward blocks) when it is at least the
 *   rule's min_block long (a rule given in one block, min_block 0, needs
 *   its whole total in the pause; a rule of equal blocks, one block; a
 *   minute at least), lies inside the rule's window, begins by latest of
 *   work, and overlaps no break of the shift (a break respite gave, which
 *   the ACD shows as a pause when the break_start action paused the
 *   operator, counts already). The planner then places only what is still
 *   missing, and nothing when the pauses cover the total; a statutory block
 *   of the previous plan not begun at now that is no longer missing is
 *   dropped (counted in breaks_moved). No statutory block is placed over a
 *   pause of the operator. Pauses do not end a work stretch for
 *   max_stretch (more pauses may be added than needed, never fewer).
 * - Reasons (private): "after a threatening call (threat)", "after a call of
 *   65 min (prolonged_call)", "after 1 unreasonable_demand, 1 other incidents
 *   in 40 min (6 points)", "statutory break: 45min for more than 6h of work
 *   (<source>)", "statutory meal: 30min for more than 5h of work (…)",
 *   "statutory pause: a break after 1h of work (…)", "planned in the roster".
 * - Break search (planning.search_steps > 0, with coverage): once every
 *   shift of a team is planned, its statutory blocks move to where the
 *   team's coverage is best, each within its rule and window, on the
 *   grid; minimised first: the team's shortfall in operator-minutes (as
 *   metrics_compute() counts it) plus 10 for each block moved from where
 *   the previous revision had it; then a balance term (breaks where more
 *   operators are spare). A block moves alone to its best start, or a
 *   chain of blocks of the same length and distinct shifts moves, each to
 *   the start of the next and the last to a better start; then ruin and
 *   recreate (a few blocks drawn by a seeded generator leave and come
 *   back, the better day kept) until the shortfall can go no lower, four
 *   tries per block in a row find nothing better or the budget is spent;
 *   per part of the team's day whose windows meet. Only blocks that have not merged
 *   with a recovery, begin 15 min or more after now and were not due
 *   during a call move, never to begin within 15 min of now, inside a
 *   call, over a pause that counts, over another break or the instant that
 *   earned a recovery, or within merge_margin after a recovery (it would
 *   merge there). The work is budgeted in starts weighed and tried
 *   (search_steps per shift of the part), not in time, with a fixed seed:
 *   the same inputs give the same plan on any machine.
 *   planner_revise_team() searches the team as planner_run() does, so the
 *   two still agree.
 * - Known incidents: a statutory block is never placed so that it holds,
 *   strictly inside, the earliest start of a recovery still to grant (a
 *   recovery would wait for its end); it goes before it, or begins there
 *   and the recovery merges or goes first.
 * - Counts: breaks_moved counts, against previous, the breaks not begun at
 *   now (those due during a call included) whose start or end changed or
 *   that were dropped.
 *
 * Returns 0 and the plan in *ret, or -ENOMEM. */
int planner_run(const Roster *roster, const Policy *policy, const Coverage *coverage,
                const IncidentList *incidents, const CallIndex *calls, const Plan *previous, usec_t now,
                Plan **ret);

/* Revise plan in place at now for one operator only, as planner_run() with
 * plan as the previous revision would for that operator's shifts (an
 * incident of theirs, a call), but for the break search, which works on a
 * whole team (planner_revise_team() does both): the other shifts keep their
 * breaks. plan must come from planner_run() with the same roster, policy
 * and coverage.
 * calls: as planner_run()'s, holding at least the operator's (or NULL).
 * Costs one operator's shifts, incidents and calls, not the site's. Returns 0, -ENXIO for an operator not
 * in the roster, -ESTALE when plan does not match the roster, -ENOMEM. */
int planner_revise_operator(Plan *plan, const Roster *roster, const Policy *policy, const Coverage *coverage,
                            const IncidentList *incidents, const CallIndex *calls, usec_t now,
                            const char *operator);

/* The operators whose breaks an event of operator (an index into
 * roster->operators) can move: with coverage, their team (roster order),
 * else the operator alone; as indexes into roster->operators at *ret
 * (pointing into roster->by_team). Returns how many. */
size_t planner_coupled_operators(const Roster *roster, const Coverage *coverage, size_t operator,
                                 const size_t **ret);

/* The incidents planner_revise_team() gives the revision of operator: a
 * list holding at least all of theirs (only theirs keeps the revision
 * costing their incidents, not the site's). */
typedef const IncidentList *(*planner_incidents_fn)(const char *operator, void *userdata);

/* The calls planner_revise_team() gives the revision of operator: an index
 * holding at least all of theirs, sorted as call_index_new() sorts (one
 * operator's calls by start make one), with a call in progress at now as
 * [start, now); or NULL for none. Only theirs keeps the revision costing
 * their calls, not the site's. */
typedef const CallIndex *(*planner_calls_fn)(const char *operator, void *userdata);

/* Revise plan in place at now for an event of operator (an incident, a call
 * record): planner_revise_operator() with incidents_of(member) and
 * calls_of(member) (calls_of NULL: no calls) for every operator of
 * planner_coupled_operators() in turn (with coverage, a break of
 * one changes where the others' may go), then, with coverage, the break
 * search over the team (calls_of asked once more per member). Equals planner_run() with plan as
 * the previous revision at the same now for those operators, and leaves
 * everyone else as they were; costs the team, not the site. The operators
 * revised are returned as indexes into roster->operators at *ret_operators
 * (pointing into roster->by_team). Returns their number, or -ENXIO,
 * -ESTALE, -ENOMEM as planner_revise_operator() does (the plan is then
 * partly revised: plan again with planner_run()). */
ssize_t planner_revise_team(Plan *plan, const Roster *roster, const Policy *policy, const Coverage *coverage,
                            planner_incidents_fn incidents_of, planner_calls_fn calls_of, void *userdata,
                            usec_t now, const char *operator, const size_t **ret_operators);
