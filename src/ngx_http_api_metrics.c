
/*
 * ngx_http_api_module: the counters every worker shares.
 *
 * One shared memory zone of a fixed size holds the node's counters: per
 * counted location (requests by method and status class, a latency
 * histogram), the Redis engine's and the policies' counters, and one slot
 * per worker for its gauges (connections by state, commands in flight),
 * which only that worker writes.  Counters are atomic adds, never locked.
 * The zone is reused across reloads: locations keep their slot by name.
 */


#include <signal.h>

#include "ngx_http_api_metrics.h"


#define NGX_HTTP_API_M_LOCATIONS    256
#define NGX_HTTP_API_M_NAME_LEN     128
#define NGX_HTTP_API_M_WORKERS      128


typedef struct {
    ngx_atomic_t                     requests[NGX_HTTP_API_M_METHODS]
                                             [NGX_HTTP_API_M_CLASSES];
    ngx_atomic_t                     buckets[NGX_HTTP_API_M_BUCKETS];
    ngx_atomic_t                     sum;       /* milliseconds */
    ngx_uint_t                       len;       /* 0: a free slot */
    u_char                           name[NGX_HTTP_API_M_NAME_LEN];
} ngx_http_api_metrics_sh_loc_t;


/* Written by its worker only; pid 0 marks a free slot. */
typedef struct {
    ngx_atomic_t                     pid;
    ngx_atomic_t                     started;
    ngx_atomic_t                     requests;
    ngx_atomic_t                     commands;
    ngx_atomic_t                     in_flight;
    ngx_atomic_t                     conns[NGX_HTTP_API_M_CONN_STATES];
} ngx_http_api_metrics_sh_worker_t;


typedef struct {
    ngx_atomic_t                     counters[NGX_HTTP_API_M_COUNTERS];
    time_t                           reset_time;
    time_t                           load_time;
    ngx_uint_t                       generation;
    ngx_http_api_metrics_sh_loc_t    locs[NGX_HTTP_API_M_LOCATIONS];
    ngx_http_api_metrics_sh_worker_t workers[NGX_HTTP_API_M_WORKERS];
} ngx_http_api_metrics_sh_t;


typedef struct {
    ngx_str_t                        name;
    ngx_str_t                        prom;
    ngx_str_t                        json;
    ngx_uint_t                       slot;      /* set by the zone's init */
} ngx_http_api_metrics_name_t;


struct ngx_http_api_metrics_s {
    ngx_shm_zone_t                  *zone;
    ngx_http_api_metrics_sh_t       *sh;
    ngx_array_t                      names;  /* ngx_http_api_metrics_name_t */

    /* per worker: its slot, from init_process to exit_process */
    ngx_http_api_metrics_sh_worker_t  *worker;
};


static ngx_int_t ngx_http_api_metrics_zone(ngx_conf_t *cf);
static ngx_int_t ngx_http_api_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_int_t ngx_http_api_metrics_map(ngx_http_api_metrics_t *m);
static ngx_int_t ngx_http_api_metrics_add_name(ngx_conf_t *cf,
    ngx_http_api_metrics_t *m, ngx_str_t *name);
static ngx_int_t ngx_http_api_metrics_log_handler(ngx_http_request_t *r);
static ngx_uint_t ngx_http_api_metrics_alive(ngx_pid_t pid);


static const char *const  ngx_http_api_metrics_rl[] = {
    "passed", "rejected", "dry_run", "failed_open", "failed_closed", "local"
};

static const char *const  ngx_http_api_metrics_auth[] = {
    "ok", "missing", "invalid", "expired", "forbidden", "unavailable"
};

static const char *const  ngx_http_api_metrics_idem[] = {
    "replayed", "conflict", "mismatch"
};

static const char *const  ngx_http_api_metrics_errors[] = {
    "reply", "connect", "lost", "unavailable"
};


const ngx_http_api_metrics_family_t  ngx_http_api_metrics_families[] = {

    { "nginx_api_redis_commands_total",
      "Commands sent to Redis for requests (a NOSCRIPT retry counts again).",
      "commands", NULL, NULL, NGX_HTTP_API_M_REDIS_COMMANDS, 1, 1 },

    { "nginx_api_redis_errors_total",
      "Redis failures: error replies to commands, failed connection "
      "attempts, ready connections lost, commands refused for want of "
      "a connection.",
      "errors", "type", ngx_http_api_metrics_errors,
      NGX_HTTP_API_M_REDIS_ERR_REPLY, 4, 1 },

    { "nginx_api_redis_timeouts_total",
      "Commands Redis did not answer within api_redis_timeout.",
      "timeouts", NULL, NULL, NGX_HTTP_API_M_REDIS_TIMEOUTS, 1, 1 },

    { "nginx_api_redis_reconnects_total",
      "Connection attempts after a worker's first one.",
      "reconnects", NULL, NULL, NGX_HTTP_API_M_REDIS_RECONNECTS, 1, 1 },

    { "nginx_api_ratelimit_decisions_total",
      "Rate-limit decisions.",
      "ratelimit", "decision", ngx_http_api_metrics_rl,
      NGX_HTTP_API_M_RL_PASSED, 6, 0 },

    { "nginx_api_auth_total",
      "API key checks by outcome.",
      "auth", "outcome", ngx_http_api_metrics_auth,
      NGX_HTTP_API_M_AUTH_OK, 6, 0 },

    { "nginx_api_idempotency_total",
      "Requests with an Idempotency-Key that did not run again.",
      "idempotency", "outcome", ngx_http_api_metrics_idem,
      NGX_HTTP_API_M_IDEM_REPLAYED, 3, 0 },

    { NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }
};


const char *const  ngx_http_api_metrics_methods[] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"
};

const char *const  ngx_http_api_metrics_classes[] = {
    "1xx", "2xx", "3xx", "4xx", "5xx", "other"
};

const char *const  ngx_http_api_metrics_buckets[] = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
    "0.5", "1", "2.5", "5", "+Inf"
};

/* indexed by the engine's connection states (ngx_http_api_redis.c) */
const char *const  ngx_http_api_metrics_conn_states[] = {
    "down", "connecting", "ready", "closing"
};


/* the upper bounds of ngx_http_api_metrics_buckets[], in microseconds */
static const ngx_uint_t  ngx_http_api_metrics_bounds[] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000, 2500000, 5000000
};


static ngx_str_t  ngx_http_api_metrics_zone_name =
    ngx_string("ngx_http_api_metrics");


/*
 * api_metrics;  cmd->post points to the content handler that writes the
 * exposition (prometheus.c), so the counters depend on no output format.
 */

char *
ngx_http_api_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_handler_pt  *handler = cmd->post;

    return ngx_http_api_metrics_endpoint(cf, conf, *handler);
}


/*
 * api_metrics, api_status: the location answers with "handler", is
 * counted, and the zone must exist.
 */

char *
ngx_http_api_metrics_endpoint(ngx_conf_t *cf, ngx_http_api_loc_conf_t *alcf,
    ngx_http_handler_pt handler)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = handler;

    ngx_http_api_metrics_mark(alcf);

    if (ngx_http_api_metrics_zone(cf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * The zone exists once any api_metrics or api_status location does.  Its
 * size never changes, so a reload always finds and keeps it.
 */

static ngx_int_t
ngx_http_api_metrics_zone(ngx_conf_t *cf)
{
    size_t                     size;
    ngx_http_api_metrics_t    *m;
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (amcf->metrics != NULL) {
        return NGX_OK;
    }

    m = ngx_pcalloc(cf->pool, sizeof(ngx_http_api_metrics_t));
    if (m == NULL) {
        return NGX_ERROR;
    }

    if (ngx_array_init(&m->names, cf->pool, 8,
                       sizeof(ngx_http_api_metrics_name_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* the slab allocator's own pages, then ours */
    size = 8 * ngx_pagesize
           + ngx_align(sizeof(ngx_http_api_metrics_sh_t), ngx_pagesize);

    m->zone = ngx_shared_memory_add(cf, &ngx_http_api_metrics_zone_name,
                                    size, &ngx_http_api_module);
    if (m->zone == NULL) {
        return NGX_ERROR;
    }

    m->zone->init = ngx_http_api_metrics_init_zone;
    m->zone->data = m;

    amcf->metrics = m;

    return NGX_OK;
}


/*
 * Runs in the master (or the single process) after the configuration is
 * read, and again on each reload with the previous cycle's data; old
 * workers may still be counting into the zone meanwhile.
 */

static ngx_int_t
ngx_http_api_metrics_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_http_api_metrics_t *om = data;

    ngx_slab_pool_t         *shpool;
    ngx_http_api_metrics_t  *m;

    m = zone->data;

    if (om != NULL) {
        m->sh = om->sh;
        m->sh->generation++;
        m->sh->load_time = ngx_time();

        return ngx_http_api_metrics_map(m);
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        m->sh = shpool->data;
        return ngx_http_api_metrics_map(m);
    }

    m->sh = ngx_slab_calloc(shpool, sizeof(ngx_http_api_metrics_sh_t));
    if (m->sh == NULL) {
        return NGX_ERROR;
    }

    shpool->data = m->sh;

    m->sh->reset_time = ngx_time();
    m->sh->load_time = m->sh->reset_time;

    return ngx_http_api_metrics_map(m);
}


/*
 * Gives each counted name its slot: the one that has the name already,
 * else a free one, else (all taken) one that no name of this
 * configuration uses, emptied first.
 */

static ngx_int_t
ngx_http_api_metrics_map(ngx_http_api_metrics_t *m)
{
    u_char                          used[NGX_HTTP_API_M_LOCATIONS];
    ngx_uint_t                      i, k;
    ngx_http_api_metrics_name_t    *name;
    ngx_http_api_metrics_sh_loc_t  *loc;

    ngx_memzero(used, sizeof(used));

    name = m->names.elts;

    for (i = 0; i < m->names.nelts; i++) {
        name[i].slot = NGX_HTTP_API_M_LOCATIONS;

        for (k = 0; k < NGX_HTTP_API_M_LOCATIONS; k++) {
            loc = &m->sh->locs[k];

            if (loc->len == name[i].name.len
                && ngx_memcmp(loc->name, name[i].name.data, loc->len) == 0)
            {
                name[i].slot = k;
                used[k] = 1;
                break;
            }
        }
    }

    for (i = 0; i < m->names.nelts; i++) {
        if (name[i].slot != NGX_HTTP_API_M_LOCATIONS) {
            continue;
        }

        for (k = 0; k < NGX_HTTP_API_M_LOCATIONS; k++) {
            if (m->sh->locs[k].len == 0) {
                break;
            }
        }

        if (k == NGX_HTTP_API_M_LOCATIONS) {
            for (k = 0; k < NGX_HTTP_API_M_LOCATIONS; k++) {
                if (!used[k]) {
                    break;
                }
            }
        }

        if (k == NGX_HTTP_API_M_LOCATIONS) {
            /* cannot happen: names are at most NGX_HTTP_API_M_LOCATIONS */
            return NGX_ERROR;
        }

        loc = &m->sh->locs[k];

        ngx_memzero(loc, sizeof(ngx_http_api_metrics_sh_loc_t));
        ngx_memcpy(loc->name, name[i].name.data, name[i].name.len);
        loc->len = name[i].name.len;

        name[i].slot = k;
        used[k] = 1;
    }

    return NGX_OK;
}


/* api_metrics_location name | off; */

char *
ngx_http_api_metrics_location(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_api_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->metrics_name.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&alcf->metrics_name, "");
        return NGX_CONF_OK;
    }

    if (value[1].len == 0 || value[1].len > NGX_HTTP_API_M_NAME_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid metrics location name \"%V\": use 1 to "
                           "%d characters", &value[1],
                           NGX_HTTP_API_M_NAME_LEN);
        return NGX_CONF_ERROR;
    }

    alcf->metrics_name = value[1];

    return NGX_CONF_OK;
}


/*
 * Called by the loc conf merge.  A location is counted when it has a
 * name: its own api_metrics_location, its parent's (if blocks, nested
 * locations), or, for a location with one of the module's handlers, the
 * location's own name.
 */

char *
ngx_http_api_metrics_merge(ngx_conf_t *cf, ngx_http_api_loc_conf_t *prev,
    ngx_http_api_loc_conf_t *conf)
{
    ngx_int_t                  index;
    ngx_http_api_main_conf_t  *amcf;
    ngx_http_core_loc_conf_t  *clcf;

    if (conf->metrics_name.data == NULL) {
        conf->metrics_name = prev->metrics_name;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->metrics_name.data == NULL
        && conf->metrics_index != NGX_CONF_UNSET_UINT)
    {
        /* ngx_http_api_metrics_mark() */
        conf->metrics_name = clcf->name;
    }

    conf->metrics_index = NGX_CONF_UNSET_UINT;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (amcf->metrics == NULL || conf->metrics_name.len == 0) {
        return NGX_CONF_OK;
    }

    if (conf->metrics_name.len > NGX_HTTP_API_M_NAME_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the location name \"%V\" is too long for the "
                           "metrics: name it with \"api_metrics_location\"",
                           &conf->metrics_name);
        return NGX_CONF_ERROR;
    }

    index = ngx_http_api_metrics_add_name(cf, amcf->metrics,
                                          &conf->metrics_name);
    if (index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    conf->metrics_index = index;

    return NGX_CONF_OK;
}


/* A handler or policy directive of the module: count the location. */

void
ngx_http_api_metrics_mark(ngx_http_api_loc_conf_t *alcf)
{
    alcf->metrics_index = 0;
}


/* Returns the name's index, adding it (and its escaped forms) if new. */

static ngx_int_t
ngx_http_api_metrics_add_name(ngx_conf_t *cf, ngx_http_api_metrics_t *m,
    ngx_str_t *name)
{
    u_char                       *p, *s, *end;
    ngx_uint_t                    i;
    ngx_http_api_metrics_name_t  *n;

    n = m->names.elts;

    for (i = 0; i < m->names.nelts; i++) {
        if (n[i].name.len == name->len
            && ngx_strncmp(n[i].name.data, name->data, name->len) == 0)
        {
            return i;
        }
    }

    if (m->names.nelts == NGX_HTTP_API_M_LOCATIONS) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "more than %d counted locations: leave some out "
                           "with \"api_metrics_location off\"",
                           NGX_HTTP_API_M_LOCATIONS);
        return NGX_ERROR;
    }

    n = ngx_array_push(&m->names);
    if (n == NULL) {
        return NGX_ERROR;
    }

    n->name = *name;

    /* a Prometheus label value escapes \, " and newlines */

    n->prom.data = ngx_pnalloc(cf->pool, 2 * name->len);
    n->json.data = ngx_pnalloc(cf->pool,
                               name->len
                               + ngx_escape_json(NULL, name->data, name->len));
    if (n->prom.data == NULL || n->json.data == NULL) {
        return NGX_ERROR;
    }

    p = n->prom.data;
    end = name->data + name->len;

    for (s = name->data; s < end; s++) {
        if (*s == '\\' || *s == '"' || *s == '\n') {
            *p++ = '\\';
            *p++ = (*s == '\n') ? 'n' : *s;

        } else {
            *p++ = *s;
        }
    }

    n->prom.len = p - n->prom.data;
    n->json.len = (u_char *) ngx_escape_json(n->json.data, name->data,
                                             name->len)
                  - n->json.data;

    return m->names.nelts - 1;
}


ngx_int_t
ngx_http_api_metrics_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_api_main_conf_t   *amcf;
    ngx_http_core_main_conf_t  *cmcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_api_module);

    if (amcf->metrics == NULL) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_api_metrics_log_handler;

    return NGX_OK;
}


/*
 * Claims this worker's slot: a free one, or one a dead process left
 * (a crashed worker never released it).
 */

void
ngx_http_api_metrics_init_process(ngx_cycle_t *cycle,
    ngx_http_api_main_conf_t *amcf)
{
    ngx_uint_t                         i, k;
    ngx_atomic_uint_t                  pid;
    ngx_http_api_metrics_t            *m;
    ngx_http_api_metrics_sh_worker_t  *w;

    m = amcf->metrics;

    if (m == NULL || m->sh == NULL) {
        return;
    }

    /*
     * A slot with this process's pid is a dead worker's whose pid the
     * kernel gave to this process: it is free, not a second live worker.
     */

    for (i = 0; i < NGX_HTTP_API_M_WORKERS; i++) {
        w = &m->sh->workers[i];
        (void) ngx_atomic_cmp_set(&w->pid, (ngx_atomic_uint_t) ngx_pid, 0);
    }

    for (i = 0; i < NGX_HTTP_API_M_WORKERS; i++) {
        w = &m->sh->workers[i];
        pid = w->pid;

        if (pid != 0 && ngx_http_api_metrics_alive((ngx_pid_t) pid)) {
            continue;
        }

        if (!ngx_atomic_cmp_set(&w->pid, pid, (ngx_atomic_uint_t) ngx_pid)) {
            continue;
        }

        w->started = ngx_time();
        w->requests = 0;
        w->commands = 0;
        w->in_flight = 0;

        for (k = 0; k < NGX_HTTP_API_M_CONN_STATES; k++) {
            w->conns[k] = 0;
        }

        m->worker = w;

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cycle->log, 0,
                       "api metrics: worker slot %ui", i);
        return;
    }

    ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                  "api metrics: no free worker slot of %d, this worker's "
                  "gauges are left out", NGX_HTTP_API_M_WORKERS);
}


void
ngx_http_api_metrics_exit_process(ngx_http_api_main_conf_t *amcf)
{
    ngx_http_api_metrics_sh_worker_t  *w;

    if (amcf->metrics == NULL || amcf->metrics->worker == NULL) {
        return;
    }

    w = amcf->metrics->worker;
    amcf->metrics->worker = NULL;

    ngx_memory_barrier();

    w->pid = 0;
}


static ngx_uint_t
ngx_http_api_metrics_alive(ngx_pid_t pid)
{
    return kill(pid, 0) == 0 || ngx_errno != NGX_ESRCH;
}


/* The log phase: one request of a counted location is done. */

static ngx_int_t
ngx_http_api_metrics_log_handler(ngx_http_request_t *r)
{
    ngx_int_t                       ms;
    ngx_uint_t                      status, method, class, b, us;
    ngx_time_t                     *tp;
    ngx_http_api_metrics_t         *m;
    ngx_http_api_loc_conf_t        *alcf;
    ngx_http_api_main_conf_t       *amcf;
    ngx_http_api_metrics_name_t    *name;
    ngx_http_api_metrics_sh_loc_t  *loc;

    if (r != r->main) {
        /* "log_subrequest on" logs subrequests too: they are not counted */
        return NGX_OK;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_api_module);

    if (alcf->metrics_index == NGX_CONF_UNSET_UINT) {
        return NGX_OK;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);
    m = amcf->metrics;
    name = m->names.elts;
    loc = &m->sh->locs[name[alcf->metrics_index].slot];

    /* the status the access log shows */
    status = r->err_status ? r->err_status : r->headers_out.status;

    class = (status >= 100 && status < 600) ? status / 100 - 1
                                             : NGX_HTTP_API_M_CLASSES - 1;

    switch (r->method) {
    case NGX_HTTP_GET:     method = 0; break;
    case NGX_HTTP_HEAD:    method = 1; break;
    case NGX_HTTP_POST:    method = 2; break;
    case NGX_HTTP_PUT:     method = 3; break;
    case NGX_HTTP_PATCH:   method = 4; break;
    case NGX_HTTP_DELETE:  method = 5; break;
    case NGX_HTTP_OPTIONS: method = 6; break;
    default:               method = 7; break;
    }

    (void) ngx_atomic_fetch_add(&loc->requests[method][class], 1);

    /* $request_time's measure */
    tp = ngx_timeofday();
    ms = (ngx_int_t) ((tp->sec - r->start_sec) * 1000
                      + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);
    us = (ngx_uint_t) ms * 1000;

    for (b = 0; b < NGX_HTTP_API_M_BUCKETS - 1; b++) {
        if (us <= ngx_http_api_metrics_bounds[b]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&loc->buckets[b], 1);
    (void) ngx_atomic_fetch_add(&loc->sum, ms);

    if (m->worker != NULL) {
        m->worker->requests++;
    }

    return NGX_OK;
}


void
ngx_http_api_metrics_count(ngx_http_request_t *r, ngx_uint_t counter)
{
    ngx_http_api_main_conf_t  *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_api_module);

    ngx_http_api_metrics_redis(amcf, counter);
}


void
ngx_http_api_metrics_redis(ngx_http_api_main_conf_t *amcf, ngx_uint_t counter)
{
    if (amcf->metrics == NULL || amcf->metrics->sh == NULL) {
        return;
    }

    (void) ngx_atomic_fetch_add(&amcf->metrics->sh->counters[counter], 1);
}


void
ngx_http_api_metrics_redis_sent(ngx_http_api_main_conf_t *amcf)
{
    ngx_http_api_metrics_sh_worker_t  *w;

    ngx_http_api_metrics_redis(amcf, NGX_HTTP_API_M_REDIS_COMMANDS);

    w = amcf->metrics ? amcf->metrics->worker : NULL;

    if (w != NULL) {
        w->commands++;
        w->in_flight++;
    }
}


void
ngx_http_api_metrics_redis_done(ngx_http_api_main_conf_t *amcf)
{
    ngx_http_api_metrics_sh_worker_t  *w;

    w = amcf->metrics ? amcf->metrics->worker : NULL;

    if (w != NULL) {
        w->in_flight--;
    }
}


void
ngx_http_api_metrics_conn_state(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t from, ngx_uint_t to)
{
    ngx_http_api_metrics_sh_worker_t  *w;

    w = amcf->metrics ? amcf->metrics->worker : NULL;

    if (w == NULL || from == to) {
        return;
    }

    if (from < NGX_HTTP_API_M_CONN_STATES) {
        w->conns[from]--;
    }

    if (to < NGX_HTTP_API_M_CONN_STATES) {
        w->conns[to]++;
    }
}


/* The node's totals: shared counters plus the live workers' gauges. */

void
ngx_http_api_metrics_totals(ngx_http_api_main_conf_t *amcf,
    ngx_http_api_metrics_totals_t *t)
{
    ngx_uint_t                     i, k;
    ngx_http_api_metrics_sh_t     *sh;
    ngx_http_api_metrics_worker_t  w;

    ngx_memzero(t, sizeof(ngx_http_api_metrics_totals_t));

    sh = amcf->metrics->sh;

    for (i = 0; i < NGX_HTTP_API_M_COUNTERS; i++) {
        t->counters[i] = sh->counters[i];
    }

    t->generation = sh->generation;
    t->reset_time = sh->reset_time;
    t->load_time = sh->load_time;

    for (i = 0; ngx_http_api_metrics_worker_get(amcf, i, &w) != NGX_DONE;
         i++)
    {
        if (w.pid == 0) {
            continue;
        }

        t->workers++;
        t->in_flight += w.in_flight;

        for (k = 0; k < NGX_HTTP_API_M_CONN_STATES; k++) {
            t->conns[k] += w.conns[k];
        }
    }
}


/*
 * The i-th counted location of this configuration; NGX_DONE after the
 * last.  "count" and cumulative buckets are left to the writers.
 */

ngx_int_t
ngx_http_api_metrics_location_get(ngx_http_api_main_conf_t *amcf,
    ngx_uint_t i, ngx_http_api_metrics_location_t *loc)
{
    ngx_uint_t                      k, j;
    ngx_http_api_metrics_name_t    *name;
    ngx_http_api_metrics_sh_loc_t  *sl;

    if (i >= amcf->metrics->names.nelts) {
        return NGX_DONE;
    }

    name = amcf->metrics->names.elts;
    sl = &amcf->metrics->sh->locs[name[i].slot];

    loc->name = name[i].name;
    loc->prom = name[i].prom;
    loc->json = name[i].json;
    loc->count = 0;

    for (k = 0; k < NGX_HTTP_API_M_METHODS; k++) {
        for (j = 0; j < NGX_HTTP_API_M_CLASSES; j++) {
            loc->requests[k][j] = sl->requests[k][j];
        }
    }

    for (k = 0; k < NGX_HTTP_API_M_BUCKETS; k++) {
        loc->buckets[k] = sl->buckets[k];
        loc->count += loc->buckets[k];
    }

    loc->sum = sl->sum;

    return NGX_OK;
}


/* The i-th worker slot; pid 0 when it is free.  NGX_DONE after the last. */

ngx_int_t
ngx_http_api_metrics_worker_get(ngx_http_api_main_conf_t *amcf, ngx_uint_t i,
    ngx_http_api_metrics_worker_t *w)
{
    ngx_uint_t                         k;
    ngx_http_api_metrics_sh_worker_t  *sw;

    if (i >= NGX_HTTP_API_M_WORKERS) {
        return NGX_DONE;
    }

    sw = &amcf->metrics->sh->workers[i];

    w->pid = (ngx_pid_t) sw->pid;

    if (w->pid == 0 || !ngx_http_api_metrics_alive(w->pid)) {
        w->pid = 0;
        return NGX_OK;
    }

    w->started = (time_t) sw->started;
    w->requests = sw->requests;
    w->commands = sw->commands;
    w->in_flight = sw->in_flight;

    for (k = 0; k < NGX_HTTP_API_M_CONN_STATES; k++) {
        w->conns[k] = sw->conns[k];
    }

    return NGX_OK;
}
