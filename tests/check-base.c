/* lib/base: growable arrays, checked sizes, options copies, errors. */
#include "sampling/sampling-private.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

START_TEST(test_reserve_doubles_and_keeps_items)
{
    int *items = NULL;
    size_t cap = 0;
    ck_assert(smpsim__reserve((void **)&items, &cap, 1, sizeof *items, 4));
    ck_assert_uint_eq(cap, 4);
    for (int i = 0; i < 4; i++)
        items[i] = i * 7;
    ck_assert(smpsim__reserve((void **)&items, &cap, 4, sizeof *items, 4)); /* room already */
    ck_assert_uint_eq(cap, 4);
    ck_assert(smpsim__reserve((void **)&items, &cap, 19, sizeof *items, 4));
    ck_assert_uint_eq(cap, 32);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(items[i], i * 7);
    items[31] = 1; /* the room is there (ASan/valgrind would say otherwise) */
    free(items);
}
END_TEST

START_TEST(test_reserve_refuses_overflow_and_keeps_the_array)
{
    char *items = malloc(8);
    ck_assert_ptr_nonnull(items);
    memcpy(items, "smpsim!", 8);
    size_t cap = 8;
    char *before = items;
    ck_assert(!smpsim__reserve((void **)&items, &cap, SIZE_MAX / 2 + 2, 1, 8));
    ck_assert(!smpsim__reserve((void **)&items, &cap, SIZE_MAX / 8, 16, 8));
    ck_assert_ptr_eq(items, before);
    ck_assert_uint_eq(cap, 8);
    ck_assert_str_eq(items, "smpsim!");
    free(items);
}
END_TEST

START_TEST(test_checked_sizes)
{
    size_t out = 0;
    ck_assert(smpsim__mul_size(3, 5, &out) && out == 15);
    ck_assert(!smpsim__mul_size(SIZE_MAX / 2 + 1, 2, &out));
    ck_assert(smpsim__add_size(SIZE_MAX - 1, 1, &out) && out == SIZE_MAX);
    ck_assert(!smpsim__add_size(SIZE_MAX, 1, &out));
}
END_TEST

START_TEST(test_free_and_first_error)
{
    smpsim_free(NULL);
    smpsim_free(malloc(3));
    smpsim_error err = {0};
    ck_assert_int_eq(smpsim__fail(&err, SMPSIM_EIO, "first %d", 1), SMPSIM_EIO);
    ck_assert_int_eq(smpsim__fail(&err, SMPSIM_EINVAL, "second"), SMPSIM_EINVAL);
    ck_assert_int_eq(err.status, SMPSIM_EIO);
    ck_assert_str_eq(err.message, "first 1");
    ck_assert_int_eq(smpsim__fail(NULL, SMPSIM_ENOMEM, "nowhere"), SMPSIM_ENOMEM);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("base");
    tcase_add_test(tc, test_reserve_doubles_and_keeps_items);
    tcase_add_test(tc, test_reserve_refuses_overflow_and_keeps_the_array);
    tcase_add_test(tc, test_checked_sizes);
    tcase_add_test(tc, test_free_and_first_error);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
