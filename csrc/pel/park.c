/* park.c — spinning and sleeping.
 *
 * Threads that wait (idle workers, a caller waiting for its job's other
 * slots) first spin for pel_spin_ns, then sleep on a futex. */
#include "pel/pel_internal.h"
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Spin budget before parking: 50 us. A futex wake-up costs the waker a
 * syscall (~2-5 us) and the sleeper a scheduler round trip (tens of us), so
 * back-to-back jobs (typical for NumPy-style loops, one call per array
 * operation) stay on the fast path if the gap between them is below the
 * budget, while an idle pool stops burning CPU after 50 us per worker.
 * PELX_SPIN_US overrides it (0 parks at once); read at pool start.
 * Workers turn it into a calibrated number of polls (pool.c) so that time
 * spent descheduled does not count; a waiting caller uses the clock. */
uint64_t pel_spin_ns = 50000;

void pel_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

uint64_t pel_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pel_futex_wait(atomic_uint *word, unsigned expected) {
    /* Returns on wake, on EAGAIN (value changed already) or EINTR; callers
     * re-check their condition in a loop. */
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, expected, NULL,
            NULL, 0);
}

void pel_futex_wake(atomic_uint *word, int count) {
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL,
            0);
}
