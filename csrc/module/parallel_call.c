/* parallel_call.c — see parallel_call.h. */
#include "module/numpy_api.h"
#include "module/parallel_call.h"

#include "kernels/kernels.h"

#include <fenv.h>
#include <pthread.h>
#include <signal.h>

/* ---- Ctrl-C -------------------------------------------------------------
 * Python's own SIGINT handler only sets a flag that is read with the GIL
 * held, which a thread running a long job without the GIL never does. While
 * main-thread jobs run, a handler of ours stands in for Python's: it only
 * records the signal (`sigint_seen`). The calling thread looks at that flag
 * before each chunk it runs (the job's poll, sigint_poll): it takes the GIL,
 * hands the signal to the handler it stood in for (Python's, which marks it
 * pending) and has Python run the program's handler (PyErr_CheckSignals).
 * If that raises (signal.default_int_handler raises KeyboardInterrupt) the
 * job stops and the call raises it; if it returns (a program's own handler,
 * installed with signal.signal) the job goes on to its end. Only the main
 * thread takes part: Python runs signal handlers there alone.
 *
 * Calls nest (a pelx.map kernel may call pelx on the main thread): only the
 * outermost call installs and restores; every call of the nest polls the
 * same flag. When a nested call stops on the program's exception, the calls
 * around it stop too (`nest_cancel`, their cancel flag), even if the kernel
 * catches the exception: a kernel called from compiled code cannot pass it
 * on. A signal that arrives after the calling thread's last poll is handed
 * to Python when the outermost call ends; Python runs the handler at its
 * next check, in the caller's code.
 * Everything below but on_sigint runs on the main thread. */
/* Written by on_sigint on whichever thread the kernel picked, read and
 * cleared on the main thread: every access is a relaxed atomic (lock-free
 * on int, so async-signal-safe). Relaxed: the flag carries no data; the
 * main thread only needs to see it at some later poll. */
static int sigint_seen;
static volatile int nest_cancel; /* int: the type pel_opts.cancel points to */
static struct sigaction python_sigint; /* the handler we stand in for */
static pthread_t main_thread;
static int sigint_depth;   /* calls running with on_sigint installed */

static void on_sigint(int sig, siginfo_t *info, void *uctx) {
    (void)sig, (void)info, (void)uctx;
    __atomic_store_n(&sigint_seen, 1, __ATOMIC_RELAXED);
}

/* Hand a recorded signal to the handler on_sigint stands in for. Outside
 * signal context: Python's handler only marks the signal pending (and
 * writes signal.set_wakeup_fd's byte), which is safe anywhere. */
static void sigint_deliver(void) {
    if (!__atomic_exchange_n(&sigint_seen, 0, __ATOMIC_RELAXED)) return;
    if (python_sigint.sa_flags & SA_SIGINFO) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        info.si_signo = SIGINT;
        python_sigint.sa_sigaction(SIGINT, &info, NULL);
    } else if (python_sigint.sa_handler != SIG_DFL &&
               python_sigint.sa_handler != SIG_IGN) {
        python_sigint.sa_handler(SIGINT);
    }
}

/* pel_opts.poll of main-thread jobs: arg is the caller's saved thread
 * state (the GIL is released while the job runs). */
static int sigint_poll(void *arg) {
    if (!__atomic_load_n(&sigint_seen, __ATOMIC_RELAXED)) return 0;
    PyThreadState **saved = arg;
    PyEval_RestoreThread(*saved);
    sigint_deliver();
    int rc = PyErr_CheckSignals();
    *saved = PyEval_SaveThread();
    if (rc == 0) return 0;
    /* The calls around this one stop too. relaxed: a "stop soon" flag
     * with no data, as pel_opts.cancel is read. */
    __atomic_store_n(&nest_cancel, 1, __ATOMIC_RELAXED);
    return PELX_CHUNK_EPYERR;
}

/* Called before a job that releases the GIL: sets po's poll and cancel
 * flag on the main thread. Returns 1 if sigint_leave() must follow. */
static int sigint_enter(pel_opts *po, PyThreadState **saved) {
    if (!pthread_equal(pthread_self(), main_thread)) return 0;
    if (sigint_depth == 0) {
        struct sigaction cur;
        if (sigaction(SIGINT, NULL, &cur) != 0) return 0;
        if (!(cur.sa_flags & SA_SIGINFO) &&
            (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
            return 0; /* nothing would run: Ctrl-C kills or is ignored */
        python_sigint = cur;
        struct sigaction ours;
        memset(&ours, 0, sizeof ours);
        ours.sa_sigaction = on_sigint;
        ours.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&ours.sa_mask);
        __atomic_store_n(&sigint_seen, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&nest_cancel, 0, __ATOMIC_RELAXED);
        if (sigaction(SIGINT, &ours, NULL) != 0) return 0;
    }
    sigint_depth++;
    po->cancel = &nest_cancel;
    po->poll = sigint_poll;
    po->poll_arg = saved;
    return 1;
}

static void sigint_leave(void) {
    if (--sigint_depth > 0) return; /* the outer call's poll looks next */
    sigaction(SIGINT, &python_sigint, NULL);
    sigint_deliver();
}

void pelx_parallel_call_init(void) { main_thread = pthread_self(); }

/* ---- running a job ----------------------------------------------------- */

typedef struct job {
    int64_t n, grain;
    pel_for_fn fn;
    void *ctx;
} job;

static int job_run(const job *j, const pel_opts *po) {
    return pel_parallel_for(j->n, j->grain, j->fn, j->ctx, po);
}

/* A chunk's error code as NumPy's exception (see parallel_call.h). */
static int chunk_error(int rc) {
    if (rc == PEL_KERR_NEGATIVE_INT_POWER)
        PyErr_SetString(PyExc_ValueError,
                        "Integers to negative integer powers are not allowed.");
    else
        PyErr_Format(PyExc_RuntimeError, "pelx: chunk error %d", rc);
    return -1;
}

static int run(const job *j, const pelx_call_opts *opts) {
    pel_opts po = {.max_threads = opts ? opts->max_threads : 0};
    const char *fpe_name = opts ? opts->fpe_name : NULL;
    if (fpe_name) feclearexcept(FE_ALL_EXCEPT);
    int rc;
    /* One chunk: inline, microseconds, keep the GIL. More chunks release
     * the GIL and listen for Ctrl-C even on one thread, so a long job is
     * interruptible and other Python threads run meanwhile. */
    if (j->n <= j->grain) {
        rc = job_run(j, &po);
    } else {
        PyThreadState *saved = NULL;
        int installed = sigint_enter(&po, &saved);
        saved = PyEval_SaveThread();
        rc = job_run(j, &po);
        PyEval_RestoreThread(saved);
        if (installed) sigint_leave();
    }
    /* The program's handler raised in a poll (this call's or a nested
     * one's): its exception is this call's. */
    if (rc != 0 && PyErr_Occurred()) return -1;
    if (rc == PEL_ECANCELED) {
        /* A nested call stopped on Ctrl-C (its exception was caught, or
         * lost in compiled code), or pel_interrupt(): the result is
         * incomplete, so the call cannot succeed. */
        PyErr_SetString(PyExc_KeyboardInterrupt,
                        "pelx operation interrupted by SIGINT");
        return -1;
    }
    if (rc == PEL_ENOMEM) {
        PyErr_NoMemory();
        return -1;
    }
    if (rc == PEL_EINVAL) {
        PyErr_SetString(PyExc_ValueError,
                        "pelx: invalid arguments for a parallel job");
        return -1;
    }
    if (rc == PELX_CHUNK_EITER) return rc;
    if (rc != 0) return chunk_error(rc);
    if (fpe_name) {
        int raised = fetestexcept(FE_ALL_EXCEPT), fpe = 0;
        if (raised & FE_DIVBYZERO) fpe |= UFUNC_FPE_DIVIDEBYZERO;
        if (raised & FE_OVERFLOW) fpe |= UFUNC_FPE_OVERFLOW;
        if (raised & FE_UNDERFLOW) fpe |= UFUNC_FPE_UNDERFLOW;
        if (raised & FE_INVALID) fpe |= UFUNC_FPE_INVALID;
        if (fpe && PyUFunc_GiveFloatingpointErrors(fpe_name, fpe) < 0)
            return -1;
    }
    return 0;
}

int pelx_run_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                 const pelx_call_opts *opts) {
    job j = {n, grain, fn, ctx};
    return run(&j, opts);
}
