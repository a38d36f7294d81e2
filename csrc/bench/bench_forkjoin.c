/* bench_forkjoin.c — fork-join overhead of pelx vs OpenMP (libgomp), same
 * process, same run.
 *
 * Per thread count t (1..available CPUs, or PELX_BENCH_THREADS="1,2,4"):
 *   empty   an empty fork-join region: pelx parallel_for over t empty
 *           chunks (grain 1, max_threads t); OpenMP `#pragma omp parallel`
 *           with an empty body
 *   for64   a 64-chunk loop with trivial work (one increment per index):
 *           pelx parallel_for(64, grain 1); OpenMP `parallel for` over 64
 *           iterations (schedule(static))
 * each timed call by call (clock_gettime): median and p99 in microseconds.
 * The two runtimes alternate in rounds, with a pause between them so the
 * other runtime's spinning threads have gone to sleep.
 *   idle    CPU time the whole process burns in the 100 ms after a job
 *           (CLOCK_PROCESS_CPUTIME_ID), the caller sleeping.
 *   busy    t chunks of 20 us busy-waiting each: every thread must take part
 *           for the region to take ~20 us (it shows wake-up latency);
 *           "wrk%" is the share of those pelx chunks run by pool workers.
 * In `empty` and `for64` pelx's calling thread may run all chunks itself
 * when it finishes before a worker arrives (work stealing); libgomp's
 * region always waits for every thread.
 *
 * A second table, cadence: the `busy` job on all threads, each call after
 * an idle gap (0, 100 us, 1 ms, 10 ms; busy-waiting below 1 ms as a Python
 * loop would, sleeping above), on a quiet machine and with a spinning
 * process on every CPU but one ("busy machine"); pelx and OpenMP
 * alternate per cell. */
#include "pel/pel.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPS 4000   /* timed calls per round and test */
#define ROUNDS 5    /* alternating pelx / OpenMP rounds */
#define WARMUP 500

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}
static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}
static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile long sink[64 * 16];

static int empty_fn(void *c, int64_t b, int64_t e, int s) { (void)c, (void)b, (void)e, (void)s; return 0; }
static int work_fn(void *c, int64_t b, int64_t e, int s) {
    (void)c, (void)s;
    for (int64_t i = b; i < e; i++) sink[i * 16]++;
    return 0;
}

typedef struct { double med, p99; } summary;
static summary summarize(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return (summary){v[n / 2], v[(int)(n * 0.99)]};
}

/* Busy-wait about BUSY_US microseconds (a chunk that takes real time, so
 * every thread of the region must take part to finish early). */
#define BUSY_US 20.0
static void busy(void) {
    double t0 = now_us();
    while (now_us() - t0 < BUSY_US) {}
}
static int busy_fn(void *c, int64_t b, int64_t e, int s) {
    (void)c, (void)s;
    for (int64_t i = b; i < e; i++) busy();
    return 0;
}

enum { PEL_EMPTY, PEL_FOR, PEL_BUSY, OMP_EMPTY, OMP_FOR, OMP_BUSY, NTESTS };

static void run_one(int test, int t) {
    pel_opts o = {.max_threads = t};
    switch (test) {
    case PEL_EMPTY: pel_parallel_for(t, 1, empty_fn, NULL, &o); break;
    case PEL_FOR: pel_parallel_for(64, 1, work_fn, NULL, &o); break;
    case PEL_BUSY: pel_parallel_for(t, 1, busy_fn, NULL, &o); break;
    case OMP_BUSY:
#pragma omp parallel for num_threads(t) schedule(static)
        for (int i = 0; i < t; i++) busy();
        break;
    case OMP_EMPTY:
#pragma omp parallel num_threads(t)
        { __asm__ volatile("" ::: "memory"); }
        break;
    case OMP_FOR:
#pragma omp parallel for num_threads(t) schedule(static)
        for (int i = 0; i < 64; i++) sink[i * 16]++;
        break;
    }
}

/* CPU ms burnt by the process during 100 ms after one job. */
static double idle_cpu(int test, int t) {
    run_one(test, t);
    double c0 = cpu_ms();
    sleep_ms(100);
    return cpu_ms() - c0;
}

/* Idle for gap_us as a program between calls: busy below 1 ms, asleep
 * above. */
static void idle_gap(int gap_us) {
    if (gap_us >= 1000) {
        struct timespec ts = {gap_us / 1000000, (gap_us % 1000000) * 1000L};
        nanosleep(&ts, NULL);
        return;
    }
    double t0 = now_us();
    while (now_us() - t0 < gap_us) {}
}

/* n spinning child processes (another program holding the cores). */
static int start_hogs(pid_t *pids, int n) {
    int started = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;) sink[0]++;
        }
        if (pid > 0) pids[started++] = pid;
    }
    return started;
}

static void stop_hogs(pid_t *pids, int n) {
    for (int i = 0; i < n; i++) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], NULL, 0);
    }
}

static void cadence_table(int t, int avail) {
    static const int gaps_us[] = {0, 100, 1000, 10000};
    enum { NGAPS = 4 };
    printf("\ncadence: %d x %.0f us job on %d threads after an idle gap, "
           "median / p99 us\n", t, BUSY_US, t);
    printf("%-7s %6s | %-17s %-17s %6s\n", "machine", "gap", "pelx", "omp",
           "p/o");
    double *v = malloc(sizeof(double) * 400);
    for (int busy_machine = 0; busy_machine <= 1; busy_machine++) {
        pid_t hogs[256];
        int nh = busy_machine ? start_hogs(hogs, avail - 1 < 256 ? avail - 1 : 256) : 0;
        if (busy_machine && nh == 0) {
            printf("(no busy-machine rows: one CPU)\n");
            break;
        }
        sleep_ms(50);
        for (int g = 0; g < NGAPS; g++) {
            int reps = gaps_us[g] >= 10000 ? 100 : 400;
            summary s2[2];
            for (int k = 0; k < 2; k++) {
                int test = k == 0 ? PEL_BUSY : OMP_BUSY;
                sleep_ms(20); /* the other runtime's threads park */
                for (int w = 0; w < 20; w++) run_one(test, t);
                for (int r = 0; r < reps; r++) {
                    idle_gap(gaps_us[g]);
                    double t0 = now_us();
                    run_one(test, t);
                    v[r] = now_us() - t0;
                }
                s2[k] = summarize(v, reps);
            }
            printf("%-7s %6d | %7.1f / %7.1f %7.1f / %7.1f %6.2f\n",
                   busy_machine ? "busy" : "quiet", gaps_us[g], s2[0].med,
                   s2[0].p99, s2[1].med, s2[1].p99, s2[0].med / s2[1].med);
        }
        stop_hogs(hogs, nh);
    }
    free(v);
}

int main(void) {
    int avail = pel_available_cpus();
    int counts[64], nc = 0;
    const char *env = getenv("PELX_BENCH_THREADS");
    if (env && *env) {
        char *s = strdup(env), *tok, *save;
        for (tok = strtok_r(s, ",", &save); tok && nc < 64; tok = strtok_r(NULL, ",", &save))
            if (atoi(tok) > 0) counts[nc++] = atoi(tok);
        free(s);
    } else {
        for (int t = 1; t <= avail && nc < 64; t++) counts[nc++] = t;
    }
    int maxt = 1;
    for (int i = 0; i < nc; i++) maxt = counts[i] > maxt ? counts[i] : maxt;
    pel_set_num_threads(maxt);
    omp_set_dynamic(0);

    printf("fork-join overhead, microseconds per call (median / p99), %d timed calls each\n",
           REPS * ROUNDS);
    printf("available CPUs %d; pelx spin budget PELX_SPIN_US=%s; OMP_WAIT_POLICY=%s GOMP_SPINCOUNT=%s\n\n",
           avail, getenv("PELX_SPIN_US") ? getenv("PELX_SPIN_US") : "(default: cadence rule)",
           getenv("OMP_WAIT_POLICY") ? getenv("OMP_WAIT_POLICY") : "(unset)",
           getenv("GOMP_SPINCOUNT") ? getenv("GOMP_SPINCOUNT") : "(unset)");
    printf("%3s | %-19s %-19s %6s | %-19s %-19s %6s | %-15s %-15s %6s | %8s %8s\n", "thr",
           "empty pelx", "empty omp", "ratio", "for64 pelx", "for64 omp", "ratio",
           "busy pelx", "busy omp", "wrk%", "idle pel", "idle omp");
    printf("%3s | %-19s %-19s %6s | %-19s %-19s %6s | %-15s %-15s %6s | %8s %8s\n", "", "med / p99",
           "med / p99", "p/o", "med / p99", "med / p99", "p/o", "med / p99", "med / p99", "",
           "ms/100ms", "ms/100ms");

    double *samples[NTESTS];
    for (int k = 0; k < NTESTS; k++) samples[k] = malloc(sizeof(double) * REPS * ROUNDS);
    for (int ci = 0; ci < nc; ci++) {
        int t = counts[ci];
        pel_reset_stats();
        double pel_all = 0, pel_workers = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < NTESTS; k++) {
                if (k == PEL_EMPTY || k == OMP_EMPTY) sleep_ms(20); /* other runtime parks */
                int reps = (k == PEL_BUSY || k == OMP_BUSY) ? REPS / 8 : REPS;
                for (int w = 0; w < WARMUP / 8; w++) run_one(k, t);
                double *v = samples[k] + round * reps;
                pel_reset_stats();
                for (int r = 0; r < reps; r++) {
                    double t0 = now_us();
                    run_one(k, t);
                    v[r] = now_us() - t0;
                }
                if (k == PEL_BUSY) {
                    pel_worker_stats st[256];
                    int ns = pel_get_stats(st, 256);
                    for (int i = 0; i < ns && i < 256; i++) {
                        pel_all += (double)st[i].chunks;
                        if (i) pel_workers += (double)st[i].chunks;
                    }
                }
            }
        }
        summary s[NTESTS];
        for (int k = 0; k < NTESTS; k++)
            s[k] = summarize(samples[k], (k == PEL_BUSY || k == OMP_BUSY) ? REPS / 8 * ROUNDS
                                                                          : REPS * ROUNDS);
        sleep_ms(50);
        double ip = idle_cpu(PEL_FOR, t);
        sleep_ms(50);
        double io = idle_cpu(OMP_FOR, t);
        printf("%3d | %7.2f / %7.2f   %7.2f / %7.2f   %6.2f | %7.2f / %7.2f   %7.2f / %7.2f   %6.2f | %6.1f / %6.1f   %6.1f / %6.1f  %5.1f%% | %8.3f %8.3f\n",
               t, s[PEL_EMPTY].med, s[PEL_EMPTY].p99, s[OMP_EMPTY].med, s[OMP_EMPTY].p99,
               s[PEL_EMPTY].med / s[OMP_EMPTY].med, s[PEL_FOR].med, s[PEL_FOR].p99,
               s[OMP_FOR].med, s[OMP_FOR].p99, s[PEL_FOR].med / s[OMP_FOR].med,
               s[PEL_BUSY].med, s[PEL_BUSY].p99, s[OMP_BUSY].med, s[OMP_BUSY].p99,
               pel_all > 0 ? 100.0 * pel_workers / pel_all : 0.0, ip, io);
    }
    for (int k = 0; k < NTESTS; k++) free(samples[k]);
    if (maxt > 1) cadence_table(maxt, avail);
    pel_shutdown();
    return 0;
}
