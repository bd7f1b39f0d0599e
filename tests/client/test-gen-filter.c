/* SPDX-License-Identifier: MIT */
/* The generation filter: newer only, per MUX and status code */

#undef NDEBUG
#include <assert.h>

#include "gen-filter.h"

#define HW 0x4002000Bu
#define CUR 0x40020003u

static void test_admits_only_newer_per_mux_and_status_code(void) {
        GenFilter f = GEN_FILTER_INIT;

        assert(gen_filter_admit(&f, "lbfo0", HW, 5) == 1);
        assert(gen_filter_admit(&f, "lbfo0", HW, 5) == 0);     /* repeat */
        assert(gen_filter_admit(&f, "lbfo0", HW, 4) == 0);     /* step back */
        assert(gen_filter_admit(&f, "lbfo0", CUR, 3) == 1);    /* other status code */
        assert(gen_filter_admit(&f, "br0", HW, 1) == 1);       /* other MUX */
        assert(gen_filter_admit(&f, "lbfo0", HW, 7) == 1);     /* gaps are fine */
        assert(gen_filter_admit(&f, "lbfo0", HW, 6) == 0);
        assert(gen_filter_admit(&f, "lbfo0", CUR, 3) == 0);
        gen_filter_done(&f);
}

static void test_forgetting_lets_generation_one_through_again(void) {
        GenFilter f = GEN_FILTER_INIT;

        assert(gen_filter_admit(&f, "a", HW, 9) == 1);
        assert(gen_filter_admit(&f, "b", HW, 9) == 1);
        gen_filter_forget_mux(&f, "a");
        assert(gen_filter_admit(&f, "a", HW, 1) == 1);         /* removed and re-added */
        assert(gen_filter_admit(&f, "b", HW, 1) == 0);
        gen_filter_clear(&f);                                   /* daemon restart */
        assert(gen_filter_admit(&f, "b", HW, 1) == 1);
        gen_filter_done(&f);
        gen_filter_done(&f);                                    /* idempotent */
}

static void test_grows_past_its_first_allocation(void) {
        GenFilter f = GEN_FILTER_INIT;
        char name[8];

        for (int i = 0; i < 100; i++) {
                name[0] = (char) ('A' + i / 26);
                name[1] = (char) ('a' + i % 26);
                name[2] = '\0';
                assert(gen_filter_admit(&f, name, HW, 1) == 1);
                assert(gen_filter_admit(&f, name, HW, 1) == 0);
        }
        assert(f.n_entries == 100);
        gen_filter_done(&f);
}

int main(void) {
        test_admits_only_newer_per_mux_and_status_code();
        test_forgetting_lets_generation_one_through_again();
        test_grows_past_its_first_allocation();
        return 0;
}
