/* cpu_count.c — how many threads the pool uses by default:
 * min(CPUs in sched_getaffinity, ceil(cgroup CPU quota), PELX_NUM_THREADS). */
#include "pel/pel_internal.h"
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int affinity_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* ceil(quota / period); 0 when there is no limit or it cannot be read. */
static int quota_ceil(long long quota, long long period) {
    if (quota <= 0 || period <= 0) return 0;
    long long n = (quota + period - 1) / period;
    return n > PEL_MAX_THREADS ? PEL_MAX_THREADS : (int)n;
}

static int cgroup_v2_cpus(void) {
    /* "max 100000" or "50000 100000" */
    FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r");
    if (!f) return 0;
    char q[32] = {0};
    long long period = 0;
    int got = fscanf(f, "%31s %lld", q, &period);
    fclose(f);
    if (got != 2 || strcmp(q, "max") == 0) return 0;
    return quota_ceil(atoll(q), period);
}

static long long read_ll(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long long v = -1;
    if (fscanf(f, "%lld", &v) != 1) v = -1;
    fclose(f);
    return v;
}

static int cgroup_v1_cpus(void) {
    static const char *dirs[] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char qp[128], pp[128];
        snprintf(qp, sizeof qp, "%s/cpu.cfs_quota_us", dirs[i]);
        snprintf(pp, sizeof pp, "%s/cpu.cfs_period_us", dirs[i]);
        int n = quota_ceil(read_ll(qp), read_ll(pp));
        if (n > 0) return n;
    }
    return 0;
}

int pel_available_cpus(void) {
    int n = affinity_cpus();
    int q = cgroup_v2_cpus();
    if (q == 0) q = cgroup_v1_cpus();
    if (q > 0 && q < n) n = q;
    if (n > PEL_MAX_THREADS) n = PEL_MAX_THREADS;
    return n < 1 ? 1 : n;
}

int pel_env_num_threads(void) {
    const char *s = getenv("PELX_NUM_THREADS");
    if (!s) return 0;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0') return 0;
    long long v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (v < INT_MAX) v = v * 10 + (*s - '0');
    while (*s == ' ' || *s == '\t') s++;
    if (!digits || *s != '\0' || v < 1) return -1;
    return v > INT_MAX ? INT_MAX : (int)v;
}

int pel_default_num_threads(void) {
    int n = pel_available_cpus();
    /* Invalid values are ignored here (the binding warns about them); a
     * valid one only lowers the count: more threads than CPUs never help
     * (pel_set_num_threads can still ask for them). */
    int v = pel_env_num_threads();
    if (v >= 1 && v < n) n = v;
    return n;
}
