/*
 * Unit tests: the state mapping tables (publisher/model/model.c) and the
 * hold-down (publisher/model/engine.c), both pure functions.
 */
#include "config.h"

#include <check.h>

#include "engine.h"
#include "model.h"
#include "test_publish_suites.h"

#define UP PUB_MEMBER_UP
#define MAINT PUB_MEMBER_MAINTENANCE
#define IMP PUB_MEMBER_IMPAIRED
#define DOWN PUB_MEMBER_DOWN
#define UNK PUB_MEMBER_UNKNOWN

static const struct {
	bool is_host;
	int hard_state;
	bool in_downtime, host_down;
	enum pub_member_state unknown_as, want;
} member_table[] = {
	{ true, 0, false, false, IMP, UP },
	{ true, 1, false, false, IMP, DOWN },	/* DOWN */
	{ true, 2, false, false, IMP, DOWN },	/* UNREACHABLE */
	{ true, 1, true, false, IMP, MAINT },	/* down in downtime: planned */
	{ false, 0, false, false, IMP, UP },
	{ false, 1, false, false, IMP, IMP },	/* WARNING */
	{ false, 2, false, false, IMP, DOWN },	/* CRITICAL */
	{ false, 3, false, false, IMP, IMP },	/* UNKNOWN, default */
	{ false, 3, false, false, DOWN, DOWN },	/* UNKNOWN = down */
	{ false, 3, false, false, UP, UP },	/* UNKNOWN = up */
	{ false, 0, false, true, IMP, DOWN },	/* OK service, host down */
	{ false, 2, true, false, IMP, MAINT },
	{ false, 0, true, true, IMP, MAINT },	/* host in downtime and down */
};

START_TEST(member_mapping)
{
	struct pub_object_state o = {
		.is_host = member_table[_i].is_host,
		.hard_state = member_table[_i].hard_state,
		.in_downtime = member_table[_i].in_downtime,
		.host_down = member_table[_i].host_down,
	};

	ck_assert_str_eq(pub_member_state_name(pub_member_state_of(&o, member_table[_i].unknown_as)),
			 pub_member_state_name(member_table[_i].want));
}
END_TEST

#define OPER PUB_COMPONENT_OPERATIONAL
#define CMAINT PUB_COMPONENT_MAINTENANCE
#define DEGR PUB_COMPONENT_DEGRADED
#define OUT PUB_COMPONENT_OUTAGE
#define CUNK PUB_COMPONENT_UNKNOWN

static const struct {
	enum pub_member_state m[3];
	size_t n;
	enum pub_component_state want;
} component_table[] = {
	{ { UP, UP, UP }, 3, OPER },
	{ { UP, DOWN, UP }, 3, DEGR },		/* redundancy lost */
	{ { UP, IMP, UP }, 3, DEGR },
	{ { DOWN, DOWN, UP }, 3, DEGR },	/* one is enough to carry on */
	{ { DOWN, DOWN, DOWN }, 3, OUT },
	{ { IMP, DOWN, DOWN }, 3, DEGR },	/* works, badly */
	{ { MAINT, MAINT, MAINT }, 3, CMAINT },
	{ { MAINT, UP, UP }, 3, OPER },		/* one out on purpose, others carry */
	{ { MAINT, DOWN, UP }, 3, DEGR },
	{ { MAINT, DOWN, DOWN }, 3, OUT },
	{ { DOWN }, 1, OUT },
	{ { UP }, 1, OPER },
	/* unknown members: a state only when every value they might have gives it */
	{ { UNK }, 1, CUNK },
	{ { UP, UNK }, 2, CUNK },		/* operational or degraded */
	{ { UP, UP, UNK }, 3, CUNK },
	{ { DOWN, UNK }, 2, CUNK },		/* degraded or outage */
	{ { IMP, UNK }, 2, DEGR },		/* degraded whatever the other is */
	{ { UP, DOWN, UNK }, 3, DEGR },		/* redundancy lost, service there */
	{ { MAINT, UNK }, 2, CUNK },
};

START_TEST(component_mapping)
{
	ck_assert_str_eq(pub_component_state_name(pub_component_state_of(component_table[_i].m,
									component_table[_i].n)),
			 pub_component_state_name(component_table[_i].want));
}
END_TEST

START_TEST(cluster_fold)
{
	enum pub_cluster_state s = PUB_CLUSTER_ONLINE;

	ck_assert_int_eq(pub_cluster_fold(s, OPER, true), PUB_CLUSTER_ONLINE);
	ck_assert_int_eq(pub_cluster_fold(s, CMAINT, true), PUB_CLUSTER_MAINTENANCE);
	ck_assert_int_eq(pub_cluster_fold(s, DEGR, true), PUB_CLUSTER_DEGRADED);
	ck_assert_int_eq(pub_cluster_fold(s, OUT, true), PUB_CLUSTER_OFFLINE);
	/* provisioning offline, mail flow fine: the seed's "Degraded" */
	ck_assert_int_eq(pub_cluster_fold(s, OUT, false), PUB_CLUSTER_DEGRADED);
	/* the worst component wins, whatever the order */
	ck_assert_int_eq(pub_cluster_fold(PUB_CLUSTER_OFFLINE, CMAINT, true), PUB_CLUSTER_OFFLINE);
	ck_assert_int_eq(pub_cluster_fold(PUB_CLUSTER_MAINTENANCE, DEGR, true),
			 PUB_CLUSTER_DEGRADED);
	ck_assert_int_eq(pub_cluster_fold(PUB_CLUSTER_DEGRADED, CMAINT, true),
			 PUB_CLUSTER_DEGRADED);
}
END_TEST

START_TEST(state_names_round_trip)
{
	for (int i = PUB_CLUSTER_ONLINE; i <= PUB_CLUSTER_OFFLINE; i++) {
		enum pub_cluster_state s;
		ck_assert(pub_cluster_state_parse(pub_cluster_state_key(i), &s));
		ck_assert_int_eq(s, i);
	}
	ck_assert_str_eq(pub_cluster_state_name(PUB_CLUSTER_MAINTENANCE), "In Maintenance");
	ck_assert_str_eq(pub_cluster_state_name(PUB_CLUSTER_DEGRADED), "Degraded");
	ck_assert_str_eq(pub_cluster_state_name(PUB_CLUSTER_OFFLINE), "Offline");
	ck_assert_str_eq(pub_cluster_state_name(PUB_CLUSTER_ONLINE), "Online");
	ck_assert_str_eq(pub_member_state_name(UNK), "unknown");
	ck_assert_str_eq(pub_component_state_name(CUNK), "unknown");
	enum pub_cluster_state s;
	ck_assert(!pub_cluster_state_parse("Online", &s));
}
END_TEST

/* The group's state with its unknown members replaced by values[]. */
static enum pub_component_state assigned(const enum pub_member_state *m, size_t n,
					 const enum pub_member_state *values)
{
	enum pub_member_state as[4];

	for (size_t i = 0, u = 0; i < n; i++)
		as[i] = m[i] == UNK ? values[u++] : m[i];
	return pub_component_state_of(as, n);
}

/*
 * Every group of up to 4 members with every mix of states, unknown ones
 * included: each way the unknown members might turn out gives a state
 * between the range's ends, both ends are reached, and the group is known
 * exactly when they are one state.
 */
START_TEST(component_range_bounds_every_outcome)
{
	static const enum pub_member_state all[] = { UP, MAINT, IMP, DOWN, UNK };
	static const enum pub_member_state known[] = { UP, MAINT, IMP, DOWN };

	for (size_t n = 1; n <= 4; n++) {
		size_t combos = 1;
		for (size_t i = 0; i < n; i++)
			combos *= 5;
		for (size_t c = 0; c < combos; c++) {
			enum pub_member_state m[4], values[4];
			enum pub_component_state lo, hi;
			size_t x = c, nu = 0, outcomes = 1;
			bool lo_seen = false, hi_seen = false;

			for (size_t i = 0; i < n; i++, x /= 5) {
				m[i] = all[x % 5];
				nu += m[i] == UNK;
			}
			pub_component_range(m, n, &lo, &hi);
			for (size_t i = 0; i < nu; i++)
				outcomes *= 4;
			for (size_t o = 0; o < outcomes; o++) {
				size_t y = o;
				for (size_t i = 0; i < nu; i++, y /= 4)
					values[i] = known[y % 4];
				enum pub_component_state got = assigned(m, n, values);
				ck_assert_msg(got >= lo && got <= hi, "n %zu combo %zu: %d not in "
					      "[%d, %d]", n, c, got, lo, hi);
				lo_seen |= got == lo;
				hi_seen |= got == hi;
			}
			ck_assert(lo_seen && hi_seen);
			ck_assert_int_eq(pub_component_state_of(m, n), lo == hi ? lo : CUNK);
		}
	}
}
END_TEST

/* --- hold-down ------------------------------------------------------- */

START_TEST(holddown_publishes_after_the_wait)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };

	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_DEGRADED, 1000, 120));
	ck_assert(r.pending);
	ck_assert_int_eq(r.candidate_since, 1000);
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_DEGRADED, 1119, 120));
	ck_assert_int_eq(r.state, PUB_CLUSTER_ONLINE);
	ck_assert(pub_holddown_step(&r, PUB_CLUSTER_DEGRADED, 1120, 120));
	ck_assert_int_eq(r.state, PUB_CLUSTER_DEGRADED);
	ck_assert_int_eq(r.since, 1120);
	ck_assert(!r.pending);
	/* published: the same state again is nothing new */
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_DEGRADED, 2000, 120));
}
END_TEST

START_TEST(holddown_swallows_a_flap)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };

	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1000, 120));
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, 1060, 120));
	/* back, but not for long yet: the flap may go on */
	ck_assert(r.pending);
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, 1119, 120));
	ck_assert(r.pending);
	/* Online for the whole hold-down since last seen away: forgotten */
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, 1120, 120));
	ck_assert(!r.pending);
	ck_assert_int_eq(r.state, PUB_CLUSTER_ONLINE);
	/* the next problem waits its own full hold-down */
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1200, 120));
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1319, 120));
	ck_assert(pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1320, 120));
	ck_assert(!r.intermittent);
	ck_assert_int_eq(r.state, PUB_CLUSTER_OFFLINE);
}
END_TEST

/* A flap shorter than the hold-down, seen by every run: never announced. */
START_TEST(holddown_short_flap_stays_silent)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };
	time_t t;

	for (t = 1000; t < 1100; t += 10)	/* 100 s of OK/CRITICAL by turns */
		ck_assert(!pub_holddown_step(&r, (t / 10) % 2 ? PUB_CLUSTER_ONLINE
					     : PUB_CLUSTER_OFFLINE, t, 120));
	for (; t < 2000; t += 10)
		ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, t, 120));
	ck_assert(!r.pending);
	ck_assert_int_eq(r.state, PUB_CLUSTER_ONLINE);
}
END_TEST

/*
 * A server flipping between OK and CRITICAL for longer than the hold-down:
 * every other run sees the cluster Online, yet it is announced, Degraded
 * and intermittent, once it has flapped for the hold-down. Afterwards
 * the flapping goes on without a post, until it is Online for good.
 */
START_TEST(holddown_announces_a_lasting_flap)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };
	bool published = false;
	time_t t;

	for (t = 1000; t < 1000 + 3600 && !published; t += 10)
		published = pub_holddown_step(&r, (t / 10) % 2 ? PUB_CLUSTER_ONLINE
					      : PUB_CLUSTER_OFFLINE, t, 120);
	ck_assert_msg(published, "an hour of flapping was never announced");
	ck_assert_int_eq(t - 10, 1120);
	ck_assert_int_eq(r.state, PUB_CLUSTER_DEGRADED);
	ck_assert(r.intermittent);
	/* the flap goes on around Degraded: nothing new, neither Online nor Offline */
	for (; t < 1000 + 3600; t += 10)
		ck_assert_msg(!pub_holddown_step(&r, (t / 10) % 2 ? PUB_CLUSTER_ONLINE
						 : PUB_CLUSTER_OFFLINE, t, 120),
			      "published %d at %lld while still flapping", r.state, (long long)t);
	/* it ends: Online once it has held */
	for (published = false; !published; t += 10)
		published = pub_holddown_step(&r, PUB_CLUSTER_ONLINE, t, 120);
	ck_assert_int_eq(r.state, PUB_CLUSTER_ONLINE);
	ck_assert_int_eq(t - 10, 4590 + 120);	/* Online since the last flip, at 4590 */
}
END_TEST

START_TEST(holddown_counts_from_leaving_the_published_state)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };

	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_DEGRADED, 1000, 120));
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1100, 120));
	ck_assert_int_eq(r.candidate, PUB_CLUSTER_OFFLINE);
	ck_assert_int_eq(r.candidate_since, 1000);
	/* away from Online for the whole hold-down: the state it is in now */
	ck_assert(pub_holddown_step(&r, PUB_CLUSTER_OFFLINE, 1120, 120));
	ck_assert_int_eq(r.state, PUB_CLUSTER_OFFLINE);
	ck_assert_int_eq(r.since, 1120);
	/* a clock that went back does not publish early */
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, 5000, 120));
	ck_assert(!pub_holddown_step(&r, PUB_CLUSTER_ONLINE, 4000, 120));
	ck_assert_int_eq(r.candidate_since, 4000);
}
END_TEST

START_TEST(holddown_publishes_a_flap_between_problems)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };
	bool published = false;
	time_t t;

	/* Degraded and Offline alternate every 60 s with a 120 s hold-down */
	for (t = 1000; t < 1000 + 20 * 60 && !published; t += 60)
		published = pub_holddown_step(&r, (t / 60) % 2 ? PUB_CLUSTER_DEGRADED
							 : PUB_CLUSTER_OFFLINE, t, 120);
	ck_assert_msg(published, "a cluster flapping between problems was never announced");
	ck_assert_int_eq(t - 60, 1120);
	ck_assert(r.state == PUB_CLUSTER_DEGRADED || r.state == PUB_CLUSTER_OFFLINE);
}
END_TEST

START_TEST(holddown_zero_is_immediate)
{
	struct pub_cluster_row r = { .state = PUB_CLUSTER_ONLINE };

	ck_assert(pub_holddown_step(&r, PUB_CLUSTER_MAINTENANCE, 10, 0));
	ck_assert_int_eq(r.state, PUB_CLUSTER_MAINTENANCE);
}
END_TEST

Suite *publish_model_suite(void)
{
	Suite *s = suite_create("publish_model");
	TCase *tc = tcase_create("mapping");
	TCase *hd = tcase_create("holddown");

	tcase_add_loop_test(tc, member_mapping, 0,
			    (int)(sizeof(member_table) / sizeof(member_table[0])));
	tcase_add_loop_test(tc, component_mapping, 0,
			    (int)(sizeof(component_table) / sizeof(component_table[0])));
	tcase_add_test(tc, cluster_fold);
	tcase_add_test(tc, component_range_bounds_every_outcome);
	tcase_add_test(tc, state_names_round_trip);
	tcase_add_test(hd, holddown_publishes_after_the_wait);
	tcase_add_test(hd, holddown_swallows_a_flap);
	tcase_add_test(hd, holddown_short_flap_stays_silent);
	tcase_add_test(hd, holddown_announces_a_lasting_flap);
	tcase_add_test(hd, holddown_counts_from_leaving_the_published_state);
	tcase_add_test(hd, holddown_publishes_a_flap_between_problems);
	tcase_add_test(hd, holddown_zero_is_immediate);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, hd);
	return s;
}
