
/*
 * ngx_http_api_module fuzz targets: the few nginx globals and functions
 * the pure parts reach that need a running nginx, replaced by inert ones.
 * Everything else is nginx's own code (src/core, src/os/unix, one
 * src/http file), built from the same version as build/nginx.
 */


#include "ngx_fuzz.h"
#include "ngx_http_api_redis.h"


static ngx_time_t     ngx_fuzz_time;
static ngx_cycle_t    ngx_fuzz_cycle;

ngx_log_t             ngx_fuzz_log;

volatile ngx_cycle_t  *ngx_cycle = &ngx_fuzz_cycle;
volatile ngx_time_t   *ngx_cached_time = &ngx_fuzz_time;
ngx_pid_t              ngx_pid;


ngx_pool_t *
ngx_fuzz_pool(void)
{
    ngx_pool_t  *pool;

    if (ngx_pagesize == 0) {
        ngx_pagesize = getpagesize();
        ngx_fuzz_log.log_level = NGX_LOG_EMERG;
        ngx_fuzz_cycle.log = &ngx_fuzz_log;
    }

    pool = ngx_create_pool(NGX_DEFAULT_POOL_SIZE, &ngx_fuzz_log);
    if (pool == NULL) {
        fprintf(stderr, "ngx_create_pool() failed\n");
        abort();
    }

    pool->max = 0;

    return pool;
}


void ngx_cdecl
ngx_log_error_core(ngx_uint_t level, ngx_log_t *log, ngx_err_t err,
    const char *fmt, ...)
{
}


/* store.c registers its scripts through the Redis engine: never here. */

ngx_int_t
ngx_http_api_redis_add_script(ngx_conf_t *cf, ngx_http_api_main_conf_t *amcf,
    ngx_str_t *name, ngx_str_t *source, ngx_http_api_script_t **script)
{
    return NGX_ERROR;
}
