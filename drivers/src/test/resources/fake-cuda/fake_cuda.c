/*
 * A stand-in for libcuda.so.1 that Squall's tests build with gcc and load through
 * -Dsquall.cuda.library, so the CUDA driver's Java side can be tested on machines without a GPU.
 * It exports the driver entry points Squall binds, with the exported (_v2) names and the
 * signatures of cuda.h, and emulates one device whose "device memory" is host memory:
 *
 *  - cuInit, the device count and the driver version come from squall_fake_configure;
 *  - cuGetErrorName knows the codes below (optionally with a FAKE_ prefix, to tell its names from
 *    Squall's own table) or, like the real driver for codes it does not know, fails;
 *  - device memory, pinned memory, streams, events, modules, graphs and link states are counted,
 *    and freeing something that is not live fails as the driver does;
 *  - every call that needs a context fails with CUDA_ERROR_INVALID_CONTEXT unless the retained
 *    primary context is current on the calling thread;
 *  - PTX containing "syntax_error" fails to compile with an error log naming the line; a module
 *    has the functions its ".entry" directives name;
 *  - the kernels "vadd_f32" (float* a, float* b, float* c, unsigned n: c = a + b), "inc_i32"
 *    (int* x, unsigned n: x += 1) and "copy_v4" (src, dst, 16-byte vectors) run on the host,
 *    whatever the grid; launches while a stream is
 *    captured become graph nodes (with their argument values), replayed by cuGraphLaunch.
 *
 * Not thread-safe beyond what the tests need: one test runs at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
typedef int CUdevice;

enum {
    OK = 0, E_INVALID_VALUE = 1, E_OUT_OF_MEMORY = 2, E_NOT_INITIALIZED = 3, E_NO_DEVICE = 100,
    E_INVALID_DEVICE = 101, E_INVALID_CONTEXT = 201, E_INVALID_PTX = 218, E_INVALID_HANDLE = 400,
    E_NOT_FOUND = 500, E_CAPTURE_UNSUPPORTED = 900, E_CAPTURE_INVALIDATED = 901, E_UNKNOWN = 999
};

/* ---- configuration and bookkeeping --------------------------------------------------------- */

static int init_result = OK;
static int initialised = 0;
static int device_count = 1;
static int driver_version = 13000;
static int names_mode = 1; /* 0: cuGetErrorName fails, 1: real names, 2: FAKE_ names */
static unsigned long long total_memory = 80ULL << 30;

static int primary_refs = 0;
static int primary_token;
static __thread void *current_context = NULL;

static long live_device = 0, live_host = 0, live_streams = 0, live_events = 0, live_modules = 0,
            live_graphs = 0, live_execs = 0, live_links = 0;
static unsigned long long device_bytes_in_use = 0;
static long launches = 0, graph_launches = 0, set_current_calls = 0, programmatic_launches = 0;

void squall_fake_configure(int init, int devices, int version, int names) {
    init_result = init;
    device_count = devices;
    driver_version = version;
    names_mode = names;
    initialised = 0;
}

long squall_fake_live(void) {
    return live_device + live_host + live_streams + live_events + live_modules + live_graphs + live_execs
            + live_links + primary_refs;
}

long squall_fake_count(const char *what) {
    if (!strcmp(what, "device")) return live_device;
    if (!strcmp(what, "host")) return live_host;
    if (!strcmp(what, "streams")) return live_streams;
    if (!strcmp(what, "events")) return live_events;
    if (!strcmp(what, "modules")) return live_modules;
    if (!strcmp(what, "graphs")) return live_graphs;
    if (!strcmp(what, "execs")) return live_execs;
    if (!strcmp(what, "links")) return live_links;
    if (!strcmp(what, "primary")) return primary_refs;
    if (!strcmp(what, "launches")) return launches;
    if (!strcmp(what, "graphLaunches")) return graph_launches;
    if (!strcmp(what, "programmaticLaunches")) return programmatic_launches;
    if (!strcmp(what, "setCurrent")) return set_current_calls;
    return -1;
}

#define NEED_CONTEXT() do { if (current_context != &primary_token || primary_refs == 0) return E_INVALID_CONTEXT; } while (0)

/* ---- errors -------------------------------------------------------------------------------- */

static const char *known_name(CUresult e) {
    switch (e) {
        case 0: return "CUDA_SUCCESS";
        case 1: return "CUDA_ERROR_INVALID_VALUE";
        case 2: return "CUDA_ERROR_OUT_OF_MEMORY";
        case 3: return "CUDA_ERROR_NOT_INITIALIZED";
        case 34: return "CUDA_ERROR_STUB_LIBRARY";
        case 100: return "CUDA_ERROR_NO_DEVICE";
        case 101: return "CUDA_ERROR_INVALID_DEVICE";
        case 201: return "CUDA_ERROR_INVALID_CONTEXT";
        case 218: return "CUDA_ERROR_INVALID_PTX";
        case 400: return "CUDA_ERROR_INVALID_HANDLE";
        case 500: return "CUDA_ERROR_NOT_FOUND";
        case 900: return "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED";
        case 901: return "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED";
        case 999: return "CUDA_ERROR_UNKNOWN";
        default: return NULL;
    }
}

CUresult cuGetErrorName(CUresult error, const char **pStr) {
    static char prefixed[128];
    const char *name = known_name(error);
    if (names_mode == 0 || name == NULL) {
        if (pStr) *pStr = NULL;
        return E_INVALID_VALUE;
    }
    if (names_mode == 2) {
        snprintf(prefixed, sizeof prefixed, "FAKE_%s", name);
        *pStr = prefixed;
    } else {
        *pStr = name;
    }
    return OK;
}

CUresult cuGetErrorString(CUresult error, const char **pStr) {
    static char text[128];
    if (names_mode == 0 || known_name(error) == NULL) {
        if (pStr) *pStr = NULL;
        return E_INVALID_VALUE;
    }
    snprintf(text, sizeof text, "fake driver description of error %d", error);
    *pStr = text;
    return OK;
}

/* ---- initialisation and devices ------------------------------------------------------------ */

CUresult cuInit(unsigned int flags) {
    if (flags != 0) return E_INVALID_VALUE;
    initialised = init_result == OK;
    return init_result;
}

CUresult cuDriverGetVersion(int *v) {
    if (!v) return E_INVALID_VALUE;
    *v = driver_version;
    return OK;
}

CUresult cuDeviceGetCount(int *count) {
    if (!initialised) return E_NOT_INITIALIZED;
    *count = device_count;
    return OK;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
    if (!initialised) return E_NOT_INITIALIZED;
    if (ordinal < 0 || ordinal >= device_count) return E_INVALID_DEVICE;
    *device = ordinal;
    return OK;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
    if (dev < 0 || dev >= device_count) return E_INVALID_DEVICE;
    snprintf(name, (size_t) len, "Squall Fake H100 #%d", dev);
    return OK;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
    if (dev < 0 || dev >= device_count) return E_INVALID_DEVICE;
    *bytes = total_memory;
    return OK;
}

CUresult cuDeviceGetAttribute(int *pi, int attrib, CUdevice dev) {
    if (dev < 0 || dev >= device_count) return E_INVALID_DEVICE;
    switch (attrib) {
        case 1: *pi = 1024; break;             /* max threads per block */
        case 2: case 3: *pi = 1024; break;     /* max block dim x, y */
        case 4: *pi = 64; break;               /* max block dim z */
        case 5: *pi = 2147483647; break;       /* max grid dim x */
        case 6: case 7: *pi = 65535; break;    /* max grid dim y, z */
        case 8: *pi = 49152; break;            /* shared memory per block */
        case 10: *pi = 32; break;              /* warp size */
        case 12: *pi = 65536; break;           /* registers per block */
        case 13: *pi = 1980000; break;         /* clock rate, kHz */
        case 16: *pi = 132; break;             /* multiprocessors */
        case 36: *pi = 2619000; break;         /* memory clock rate, kHz */
        case 37: *pi = 5120; break;            /* memory bus width, bits */
        case 38: *pi = 50 << 20; break;        /* L2 bytes */
        case 39: *pi = 2048; break;            /* threads per SM */
        case 40: *pi = 3; break;               /* async engines */
        case 41: *pi = 1; break;               /* unified addressing */
        case 75: *pi = 9; break;               /* compute capability major */
        case 76: *pi = 0; break;               /* compute capability minor */
        case 81: *pi = 233472; break;          /* shared memory per SM */
        case 82: *pi = 65536; break;           /* registers per SM */
        case 97: *pi = 232448; break;          /* shared memory per block, opt-in */
        default: return E_INVALID_VALUE;
    }
    return OK;
}

/* ---- contexts ------------------------------------------------------------------------------ */

CUresult cuDevicePrimaryCtxRetain(void **pctx, CUdevice dev) {
    if (!initialised) return E_NOT_INITIALIZED;
    if (dev < 0 || dev >= device_count) return E_INVALID_DEVICE;
    primary_refs++;
    *pctx = &primary_token;
    return OK;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
    if (dev < 0 || dev >= device_count) return E_INVALID_DEVICE;
    if (primary_refs == 0) return E_INVALID_CONTEXT;
    primary_refs--;
    return OK;
}

CUresult cuCtxSetCurrent(void *ctx) {
    set_current_calls++;
    if (ctx != NULL && ctx != &primary_token) return E_INVALID_CONTEXT;
    current_context = ctx;
    return OK;
}

CUresult cuCtxGetCurrent(void **pctx) {
    *pctx = current_context;
    return OK;
}

CUresult cuCtxPushCurrent_v2(void *ctx) {
    return cuCtxSetCurrent(ctx);
}

CUresult cuCtxPopCurrent_v2(void **pctx) {
    if (pctx) *pctx = current_context;
    current_context = NULL;
    return OK;
}

CUresult cuCtxSynchronize(void) {
    NEED_CONTEXT();
    return OK;
}

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    NEED_CONTEXT();
    *free_bytes = total_memory - device_bytes_in_use;
    *total = total_memory;
    return OK;
}

/* ---- device and pinned memory -------------------------------------------------------------- */

#define MAX_ALLOCATIONS 65536
static struct { void *p; size_t n; } allocations[MAX_ALLOCATIONS];

static int track(void *p, size_t n) {
    for (int i = 0; i < MAX_ALLOCATIONS; i++) {
        if (allocations[i].p == NULL) { allocations[i].p = p; allocations[i].n = n; return 1; }
    }
    return 0;
}

static size_t untrack(void *p) {
    for (int i = 0; i < MAX_ALLOCATIONS; i++) {
        if (allocations[i].p == p && p != NULL) { size_t n = allocations[i].n; allocations[i].p = NULL; return n; }
    }
    return 0;
}

CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytes) {
    NEED_CONTEXT();
    if (bytes == 0) return E_INVALID_VALUE;
    if (bytes > total_memory - device_bytes_in_use) return E_OUT_OF_MEMORY;
    void *p = aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!p || !track(p, bytes)) { free(p); return E_OUT_OF_MEMORY; }
    device_bytes_in_use += bytes;
    live_device++;
    *dptr = (CUdeviceptr) (uintptr_t) p;
    return OK;
}

CUresult cuMemFree_v2(CUdeviceptr dptr) {
    NEED_CONTEXT();
    size_t n = untrack((void *) (uintptr_t) dptr);
    if (n == 0) return E_INVALID_VALUE;
    free((void *) (uintptr_t) dptr);
    device_bytes_in_use -= n;
    live_device--;
    return OK;
}

CUresult cuMemAllocHost_v2(void **pp, size_t bytes) {
    NEED_CONTEXT();
    void *p = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
    if (!p || !track(p, bytes)) { free(p); return E_OUT_OF_MEMORY; }
    live_host++;
    *pp = p;
    return OK;
}

CUresult cuMemFreeHost(void *p) {
    NEED_CONTEXT();
    if (untrack(p) == 0) return E_INVALID_VALUE;
    free(p);
    live_host--;
    return OK;
}

/* ---- streams and capture ------------------------------------------------------------------- */

#define MAX_NODES 4096
#define MAX_PARAMS 8
typedef struct { void *function; unsigned long long params[MAX_PARAMS]; } node_t;
typedef struct { int capturing; int invalidated; int count; node_t *nodes; } stream_t;
typedef struct { int count; node_t *nodes; } graph_t;

static int is_live_stream(void *s);

static CUresult stream_usable(void *s) {
    if (s != NULL && !is_live_stream(s)) return E_INVALID_HANDLE;
    return OK;
}

#define MAX_HANDLES 4096
static void *streams[MAX_HANDLES];

static int is_live_stream(void *s) {
    for (int i = 0; i < MAX_HANDLES; i++) if (streams[i] == s) return 1;
    return 0;
}

CUresult cuStreamCreate(void **phStream, unsigned int flags) {
    NEED_CONTEXT();
    if (flags > 1) return E_INVALID_VALUE;
    stream_t *s = calloc(1, sizeof(stream_t));
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (streams[i] == NULL) { streams[i] = s; live_streams++; *phStream = s; return OK; }
    }
    free(s);
    return E_OUT_OF_MEMORY;
}

CUresult cuStreamDestroy_v2(void *h) {
    NEED_CONTEXT();
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (streams[i] == h && h != NULL) {
            stream_t *s = h;
            free(s->nodes);
            free(s);
            streams[i] = NULL;
            live_streams--;
            return OK;
        }
    }
    return E_INVALID_HANDLE;
}

CUresult cuStreamSynchronize(void *h) {
    NEED_CONTEXT();
    CUresult r = stream_usable(h);
    if (r != OK) return r;
    if (h != NULL && ((stream_t *) h)->capturing) {
        ((stream_t *) h)->invalidated = 1;
        return E_CAPTURE_UNSUPPORTED;
    }
    return OK;
}

CUresult cuStreamBeginCapture_v2(void *h, int mode) {
    NEED_CONTEXT();
    if (h == NULL || !is_live_stream(h) || mode < 0 || mode > 2) return E_INVALID_VALUE;
    stream_t *s = h;
    if (s->capturing) return E_INVALID_VALUE;
    s->capturing = 1;
    s->invalidated = 0;
    s->count = 0;
    if (!s->nodes) s->nodes = calloc(MAX_NODES, sizeof(node_t));
    return OK;
}

CUresult cuStreamEndCapture(void *h, void **phGraph) {
    NEED_CONTEXT();
    if (h == NULL || !is_live_stream(h)) return E_INVALID_HANDLE;
    stream_t *s = h;
    if (!s->capturing) return E_INVALID_VALUE;
    s->capturing = 0;
    if (s->invalidated) {
        *phGraph = NULL;
        return E_CAPTURE_INVALIDATED;
    }
    graph_t *g = calloc(1, sizeof(graph_t));
    g->count = s->count;
    g->nodes = calloc((size_t) (s->count > 0 ? s->count : 1), sizeof(node_t));
    memcpy(g->nodes, s->nodes, (size_t) s->count * sizeof(node_t));
    live_graphs++;
    *phGraph = g;
    return OK;
}

CUresult cuGraphInstantiateWithFlags(void **phExec, void *hGraph, unsigned long long flags) {
    NEED_CONTEXT();
    if (hGraph == NULL || flags != 0) return E_INVALID_VALUE;
    graph_t *g = hGraph, *e = calloc(1, sizeof(graph_t));
    e->count = g->count;
    e->nodes = calloc((size_t) (g->count > 0 ? g->count : 1), sizeof(node_t));
    memcpy(e->nodes, g->nodes, (size_t) g->count * sizeof(node_t));
    live_execs++;
    *phExec = e;
    return OK;
}

CUresult cuGraphDestroy(void *hGraph) {
    if (hGraph == NULL) return E_INVALID_VALUE;
    graph_t *g = hGraph;
    free(g->nodes);
    free(g);
    live_graphs--;
    return OK;
}

CUresult cuGraphExecDestroy(void *hExec) {
    if (hExec == NULL) return E_INVALID_VALUE;
    graph_t *e = hExec;
    free(e->nodes);
    free(e);
    live_execs--;
    return OK;
}

/* ---- events -------------------------------------------------------------------------------- */

typedef struct { int recorded; double when; } event_t;
static double fake_clock_ms = 0;

CUresult cuEventCreate(void **ph, unsigned int flags) {
    NEED_CONTEXT();
    if (flags > 15) return E_INVALID_VALUE;
    *ph = calloc(1, sizeof(event_t));
    live_events++;
    return OK;
}

CUresult cuEventRecord(void *h, void *stream) {
    NEED_CONTEXT();
    if (h == NULL) return E_INVALID_HANDLE;
    CUresult r = stream_usable(stream);
    if (r != OK) return r;
    event_t *e = h;
    fake_clock_ms += 0.25; /* every record is a quarter millisecond after the last */
    e->recorded = 1;
    e->when = fake_clock_ms;
    return OK;
}

CUresult cuEventSynchronize(void *h) {
    NEED_CONTEXT();
    return h == NULL ? E_INVALID_HANDLE : OK;
}

CUresult cuEventElapsedTime_v2(float *ms, void *start, void *end) {
    NEED_CONTEXT();
    if (!start || !end) return E_INVALID_HANDLE;
    event_t *a = start, *b = end;
    if (!a->recorded || !b->recorded) return E_INVALID_HANDLE;
    *ms = (float) (b->when - a->when);
    return OK;
}

CUresult cuEventDestroy_v2(void *h) {
    if (h == NULL) return E_INVALID_HANDLE;
    free(h);
    live_events--;
    return OK;
}

/* ---- copies and fills ---------------------------------------------------------------------- */

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
    NEED_CONTEXT();
    memcpy((void *) (uintptr_t) dst, src, n);
    return OK;
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
    NEED_CONTEXT();
    memcpy(dst, (const void *) (uintptr_t) src, n);
    return OK;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
    NEED_CONTEXT();
    memmove((void *) (uintptr_t) dst, (const void *) (uintptr_t) src, n);
    return OK;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, void *stream) {
    CUresult r = cuMemcpyHtoD_v2(dst, src, n);
    return r != OK ? r : stream_usable(stream);
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, void *stream) {
    CUresult r = cuMemcpyDtoH_v2(dst, src, n);
    return r != OK ? r : stream_usable(stream);
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, void *stream) {
    CUresult r = cuMemcpyDtoD_v2(dst, src, n);
    return r != OK ? r : stream_usable(stream);
}

CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t n) {
    NEED_CONTEXT();
    memset((void *) (uintptr_t) dst, value, n);
    return OK;
}

CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned int value, size_t n) {
    NEED_CONTEXT();
    unsigned int *p = (unsigned int *) (uintptr_t) dst;
    for (size_t i = 0; i < n; i++) p[i] = value;
    return OK;
}

CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t n, void *stream) {
    CUresult r = cuMemsetD8_v2(dst, value, n);
    return r != OK ? r : stream_usable(stream);
}

CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned int value, size_t n, void *stream) {
    CUresult r = cuMemsetD32_v2(dst, value, n);
    return r != OK ? r : stream_usable(stream);
}

/* ---- JIT options, modules, the linker ------------------------------------------------------ */

enum { JIT_INFO_BUF = 3, JIT_INFO_SIZE = 4, JIT_ERROR_BUF = 5, JIT_ERROR_SIZE = 6, JIT_WALL = 2 };

/* Writes a log into the buffer the options name and its length into the size slot. */
static void write_log(unsigned int n, const int *options, void **values, int buffer_key, int size_key,
                      const char *text) {
    char *buffer = NULL;
    int size_index = -1;
    for (unsigned int i = 0; i < n; i++) {
        if (options[i] == buffer_key) buffer = values[i];
        if (options[i] == size_key) size_index = (int) i;
    }
    if (buffer == NULL || size_index < 0) return;
    size_t capacity = (size_t) (uintptr_t) values[size_index];
    if (capacity == 0) return;
    snprintf(buffer, capacity, "%s", text);
    size_t written = strlen(buffer) + 1;
    values[size_index] = (void *) (uintptr_t) written;
}

static void write_wall(unsigned int n, const int *options, void **values, float ms) {
    for (unsigned int i = 0; i < n; i++) {
        if (options[i] == JIT_WALL) memcpy(&values[i], &ms, sizeof ms);
    }
}

/* The 1-based line of the first "syntax_error" in the PTX, or 0. */
static int syntax_error_line(const char *ptx) {
    const char *hit = strstr(ptx, "syntax_error");
    if (!hit) return 0;
    int line = 1;
    for (const char *p = ptx; p < hit; p++) if (*p == '\n') line++;
    return line;
}

#define MAX_FUNCTIONS 16
typedef struct { char name[128]; int max_dynamic_shared; } function_t;
typedef struct { char *image; function_t functions[MAX_FUNCTIONS]; int count; } module_t;

static const char CUBIN_MAGIC[] = "FAKECUBIN\n";

static CUresult compile(const char *ptx, unsigned int n, int *options, void **values) {
    int line = syntax_error_line(ptx);
    if (line) {
        char log[256];
        snprintf(log, sizeof log, "ptxas application ptx input, line %d; error   : syntax error (fake)", line);
        write_log(n, options, values, JIT_ERROR_BUF, JIT_ERROR_SIZE, log);
        write_log(n, options, values, JIT_INFO_BUF, JIT_INFO_SIZE, "");
        return E_INVALID_PTX;
    }
    char info[256];
    snprintf(info, sizeof info, "ptxas info    : fake JIT compiled %zu bytes of PTX", strlen(ptx));
    write_log(n, options, values, JIT_INFO_BUF, JIT_INFO_SIZE, info);
    write_log(n, options, values, JIT_ERROR_BUF, JIT_ERROR_SIZE, "");
    write_wall(n, options, values, 1.5f);
    return OK;
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned int n, int *options, void **values) {
    NEED_CONTEXT();
    if (image == NULL || (n > 0 && (options == NULL || values == NULL))) return E_INVALID_VALUE;
    const char *text = image;
    int is_cubin = strncmp(text, CUBIN_MAGIC, strlen(CUBIN_MAGIC)) == 0;
    if (!is_cubin) {
        CUresult r = compile(text, n, options, values);
        if (r != OK) return r;
    } else {
        write_log(n, options, values, JIT_INFO_BUF, JIT_INFO_SIZE, "");
        write_log(n, options, values, JIT_ERROR_BUF, JIT_ERROR_SIZE, "");
    }
    module_t *m = calloc(1, sizeof(module_t));
    m->image = strdup(text);
    live_modules++;
    *module = m;
    return OK;
}

CUresult cuModuleGetFunction(void **hfunc, void *hmod, const char *name) {
    NEED_CONTEXT();
    if (hmod == NULL || name == NULL) return E_INVALID_HANDLE;
    module_t *m = hmod;
    for (int i = 0; i < m->count; i++) {
        if (!strcmp(m->functions[i].name, name)) { *hfunc = &m->functions[i]; return OK; }
    }
    char directive[160];
    snprintf(directive, sizeof directive, ".entry %s(", name);
    char directive2[160];
    snprintf(directive2, sizeof directive2, ".entry %s\n", name);
    if (!strstr(m->image, directive) && !strstr(m->image, directive2)) return E_NOT_FOUND;
    if (m->count == MAX_FUNCTIONS) return E_OUT_OF_MEMORY;
    function_t *f = &m->functions[m->count++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->max_dynamic_shared = 49152;
    *hfunc = f;
    return OK;
}

CUresult cuModuleUnload(void *hmod) {
    NEED_CONTEXT();
    if (hmod == NULL) return E_INVALID_HANDLE;
    module_t *m = hmod;
    free(m->image);
    free(m);
    live_modules--;
    return OK;
}

CUresult cuFuncGetAttribute(int *pi, int attrib, void *hfunc) {
    NEED_CONTEXT();
    if (hfunc == NULL) return E_INVALID_HANDLE;
    function_t *f = hfunc;
    switch (attrib) {
        case 0: *pi = 1024; break;                  /* max threads per block */
        case 1: *pi = 0; break;                     /* static shared */
        case 2: *pi = 0; break;                     /* const */
        case 3: *pi = 0; break;                     /* local */
        case 4: *pi = 10; break;                    /* registers */
        case 5: *pi = 80; break;                    /* PTX version */
        case 6: *pi = 90; break;                    /* binary version */
        case 8: *pi = f->max_dynamic_shared; break; /* max dynamic shared */
        default: return E_INVALID_VALUE;
    }
    return OK;
}

CUresult cuFuncSetAttribute(void *hfunc, int attrib, int value) {
    NEED_CONTEXT();
    if (hfunc == NULL) return E_INVALID_HANDLE;
    if (attrib != 8) return E_INVALID_VALUE;
    if (value < 0 || value > 232448) return E_INVALID_VALUE;
    ((function_t *) hfunc)->max_dynamic_shared = value;
    return OK;
}

typedef struct { unsigned int n; int *options; void **values; char *ptx; char *cubin; size_t cubin_size; } link_t;

CUresult cuLinkCreate_v2(unsigned int n, int *options, void **values, void **state) {
    NEED_CONTEXT();
    link_t *l = calloc(1, sizeof(link_t));
    l->n = n;
    l->options = options;
    l->values = values;
    live_links++;
    *state = l;
    return OK;
}

CUresult cuLinkAddData_v2(void *state, int type, void *data, size_t size, const char *name, unsigned int n,
                          int *options, void **values) {
    (void) name; (void) n; (void) options; (void) values;
    NEED_CONTEXT();
    if (state == NULL || data == NULL || size == 0) return E_INVALID_VALUE;
    if (type != 1) return E_INVALID_VALUE; /* PTX only */
    link_t *l = state;
    const char *ptx = data;
    if (ptx[size - 1] != '\0') return E_INVALID_VALUE; /* the driver wants the NUL counted */
    CUresult r = compile(ptx, l->n, l->options, l->values);
    if (r != OK) return r;
    free(l->ptx);
    l->ptx = strdup(ptx);
    return OK;
}

CUresult cuLinkComplete(void *state, void **cubinOut, size_t *sizeOut) {
    NEED_CONTEXT();
    link_t *l = state;
    if (l == NULL || l->ptx == NULL) return E_INVALID_VALUE;
    size_t size = strlen(CUBIN_MAGIC) + strlen(l->ptx) + 1;
    free(l->cubin);
    l->cubin = malloc(size);
    snprintf(l->cubin, size, "%s%s", CUBIN_MAGIC, l->ptx);
    *cubinOut = l->cubin;
    *sizeOut = size;
    return OK;
}

CUresult cuLinkDestroy(void *state) {
    if (state == NULL) return E_INVALID_HANDLE;
    link_t *l = state;
    free(l->ptx);
    free(l->cubin);
    free(l);
    live_links--;
    return OK;
}

/* ---- launches ------------------------------------------------------------------------------ */

static unsigned int last_launch[8];
static unsigned long long last_params[MAX_PARAMS];
static int expected_params = 0;

/* How many 8-byte parameter slots launches copy (the fake cannot know the kernel's signature). */
void squall_fake_expect_params(int n) {
    expected_params = n < MAX_PARAMS ? n : MAX_PARAMS;
}

/* grid x y z, block x y z, shared bytes of the last launch; parameter slot values. */
void squall_fake_last_launch(unsigned int *dims, unsigned long long *params) {
    memcpy(dims, last_launch, 7 * sizeof(unsigned int));
    memcpy(params, last_params, MAX_PARAMS * sizeof(unsigned long long));
}

/* The stream the last launch went to (captured or run). */
static void *last_stream = NULL;

void *squall_fake_last_stream(void) {
    return last_stream;
}

static void run(node_t *node) {
    function_t *f = node->function;
    if (!strcmp(f->name, "vadd_f32")) {
        float *a = (float *) (uintptr_t) node->params[0];
        float *b = (float *) (uintptr_t) node->params[1];
        float *c = (float *) (uintptr_t) node->params[2];
        unsigned n = (unsigned) (node->params[3] & 0xffffffffu);
        for (unsigned i = 0; i < n; i++) c[i] = a[i] + b[i];
    } else if (!strcmp(f->name, "inc_i32")) {
        int *x = (int *) (uintptr_t) node->params[0];
        unsigned n = (unsigned) (node->params[1] & 0xffffffffu);
        for (unsigned i = 0; i < n; i++) x[i] += 1;
    } else if (!strcmp(f->name, "copy_v4")) {
        memmove((void *) (uintptr_t) node->params[1], (const void *) (uintptr_t) node->params[0],
                (size_t) node->params[2] * 16);
    }
}

/* Parameter slots the fake copies for a function: its known kernels' counts, else the expectation. */
static int param_count(function_t *f) {
    if (!strcmp(f->name, "vadd_f32")) return 4;
    if (!strcmp(f->name, "inc_i32")) return 2;
    if (!strcmp(f->name, "copy_v4")) return 3;
    return expected_params;
}

CUresult cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx,
                        unsigned int by, unsigned int bz, unsigned int shared, void *stream, void **params,
                        void **extra) {
    NEED_CONTEXT();
    if (f == NULL) return E_INVALID_HANDLE;
    if (extra != NULL) return E_INVALID_VALUE;
    CUresult r = stream_usable(stream);
    if (r != OK) return r;
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0) return E_INVALID_VALUE;
    if ((unsigned long long) bx * by * bz > 1024 || bz > 64) return E_INVALID_VALUE;
    if ((int) shared > ((function_t *) f)->max_dynamic_shared) return E_INVALID_VALUE;
    node_t node;
    memset(&node, 0, sizeof node);
    node.function = f;
    int count = param_count(f);
    for (int i = 0; i < count; i++) {
        if (params == NULL || params[i] == NULL) return E_INVALID_VALUE;
        memcpy(&node.params[i], params[i], 8);
    }
    unsigned int dims[8] = {gx, gy, gz, bx, by, bz, shared, 0};
    memcpy(last_launch, dims, sizeof dims);
    memcpy(last_params, node.params, sizeof last_params);
    last_stream = stream;
    stream_t *s = stream;
    if (s != NULL && s->capturing) {
        if (s->count == MAX_NODES) { s->invalidated = 1; return E_CAPTURE_UNSUPPORTED; }
        s->nodes[s->count++] = node;
        return OK;
    }
    launches++;
    run(&node);
    return OK;
}

/* cuda.h's CUlaunchAttribute and CUlaunchConfig on 64-bit platforms (72 and 56 bytes). */
typedef struct { int id; char pad[4]; union { char bytes[64]; int flag; } value; } launch_attribute_t;
typedef struct {
    unsigned int grid[3], block[3], shared;
    void *stream;
    launch_attribute_t *attrs;
    unsigned int count;
} launch_config_t;

/* Takes only the programmatic-serialization attribute (id 6) and counts launches that set it. */
CUresult cuLaunchKernelEx(const launch_config_t *config, void *f, void **params, void **extra) {
    if (config == NULL) return E_INVALID_VALUE;
    if (config->count > 0 && config->attrs == NULL) return E_INVALID_VALUE;
    int programmatic = 0;
    for (unsigned int i = 0; i < config->count; i++) {
        if (config->attrs[i].id != 6) return E_INVALID_VALUE;
        programmatic = config->attrs[i].value.flag != 0;
    }
    CUresult r = cuLaunchKernel(f, config->grid[0], config->grid[1], config->grid[2], config->block[0],
                                config->block[1], config->block[2], config->shared, config->stream, params, extra);
    if (r == OK && programmatic) programmatic_launches++;
    return r;
}

CUresult cuGraphLaunch(void *hExec, void *stream) {
    NEED_CONTEXT();
    if (hExec == NULL) return E_INVALID_HANDLE;
    CUresult r = stream_usable(stream);
    if (r != OK) return r;
    graph_t *e = hExec;
    for (int i = 0; i < e->count; i++) run(&e->nodes[i]);
    graph_launches++;
    return OK;
}
