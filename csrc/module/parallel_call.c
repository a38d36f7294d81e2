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
 * main-thread jobs run, a handler of ours sits in front of Python's: it sets
 * `sigint_cancel` (the job's cancel flag, polled between chunks) and then
 * calls Python's handler, so PyErr_CheckSignals() raises KeyboardInterrupt
 * once the job has stopped. Only the main thread installs it: Python runs
 * signal handlers there alone, and only it can be interrupted.
 *
 * The job is cancelled only when the program's Python-level handler is
 * signal.default_int_handler (the one that raises KeyboardInterrupt). Any
 * other handler (installed with signal.signal) is the program's decision:
 * the job then runs to the end, as a NumPy call would, and Python runs the
 * handler when the call returns; it raises only if the handler raises.
 *
 * Calls nest (a pelx.map kernel may call pelx on the main thread): only the
 * outermost call installs and restores; inner ones share its cancel flag.
 * Everything below but on_sigint runs on the main thread with the GIL. */
static volatile int sigint_cancel; /* int: the type pel_opts.cancel points to */
static struct sigaction python_sigint; /* the handler we chain to */
static pthread_t main_thread;
static int sigint_depth;      /* calls running with on_sigint installed */
static PyObject *getsignal;   /* signal.getsignal */
static PyObject *default_int; /* signal.default_int_handler */

static void on_sigint(int sig, siginfo_t *info, void *uctx) {
    sigint_cancel = 1;
    if (python_sigint.sa_flags & SA_SIGINFO)
        python_sigint.sa_sigaction(sig, info, uctx);
    else if (python_sigint.sa_handler != SIG_DFL &&
             python_sigint.sa_handler != SIG_IGN)
        python_sigint.sa_handler(sig);
}

/* 1 if the Python-level SIGINT handler raises KeyboardInterrupt (or none
 * was set from Python: a handler of the embedding program's, which we
 * chain to as before). */
static int sigint_cancels(void) {
    PyObject *h = PyObject_CallFunction(getsignal, "i", SIGINT);
    if (!h) {
        PyErr_Clear();
        return 0;
    }
    int r = h == default_int || h == Py_None;
    Py_DECREF(h);
    return r;
}

/* Called before a job that releases the GIL; sets po->cancel when Ctrl-C
 * must cancel it. Returns 1 if sigint_leave() must follow the job. */
static int sigint_enter(pel_opts *po) {
    if (!pthread_equal(pthread_self(), main_thread)) return 0;
    if (sigint_depth > 0) { /* nested: on_sigint is in place already */
        sigint_depth++;
        po->cancel = &sigint_cancel;
        return 1;
    }
    struct sigaction cur;
    if (sigaction(SIGINT, NULL, &cur) != 0) return 0;
    if (!(cur.sa_flags & SA_SIGINFO) &&
        (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
        return 0;
    if (!sigint_cancels()) return 0;
    python_sigint = cur;
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = on_sigint;
    ours.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&ours.sa_mask);
    sigint_cancel = 0;
    if (sigaction(SIGINT, &ours, NULL) != 0) return 0;
    sigint_depth = 1;
    po->cancel = &sigint_cancel;
    return 1;
}

static void sigint_leave(void) {
    if (--sigint_depth == 0) sigaction(SIGINT, &python_sigint, NULL);
}

int pelx_parallel_call_init(void) {
    main_thread = pthread_self();
    PyObject *signal = PyImport_ImportModule("signal");
    if (!signal) return -1;
    getsignal = PyObject_GetAttrString(signal, "getsignal");
    default_int = PyObject_GetAttrString(signal, "default_int_handler");
    Py_DECREF(signal);
    return getsignal && default_int ? 0 : -1;
}

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
    pel_opts po = {NULL, opts ? opts->max_threads : 0};
    const char *fpe_name = opts ? opts->fpe_name : NULL;
    if (fpe_name) feclearexcept(FE_ALL_EXCEPT);
    int rc;
    /* One chunk: inline, microseconds, keep the GIL. More chunks release
     * the GIL and listen for Ctrl-C even on one thread, so a long job is
     * interruptible and other Python threads run meanwhile. */
    if (j->n <= j->grain) {
        rc = job_run(j, &po);
    } else {
        int installed = sigint_enter(&po);
        Py_BEGIN_ALLOW_THREADS
        rc = job_run(j, &po);
        Py_END_ALLOW_THREADS
        if (installed) sigint_leave();
    }
    if (rc == PEL_ECANCELED) {
        /* Python's handler has run: this raises KeyboardInterrupt (or what
         * the user's handler raises). If that handler chose not to raise,
         * the result is still incomplete, so the call cannot succeed. */
        if (PyErr_CheckSignals() == 0)
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
