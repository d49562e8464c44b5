
/*
 * schema_bench: the CPU cost of ngx_http_api_schema_validate() on make
 * bench's POST document (bench/post.lua) against conf/items.schema.json,
 * built optimised, without sanitizers, against nginx's own pool, string
 * and regex code (pcre_jit off, nginx's default).  Until the write path
 * calls the validator (issue 14's integration) this stands in for the
 * "POST with a schema" row of make bench.  From the top, after make and
 * fuzz/nginx-core:
 *
 *   core=$(fuzz/nginx-core); n=build/nginx
 *   gcc -O2 -I $n/src/core -I $n/src/event -I $n/src/event/modules \
 *       -I $n/src/os/unix -I $n/objs -I $n/src/http \
 *       -I $n/src/http/modules -I $n/src/http/v2 -I src -I fuzz \
 *       bench/schema_bench.c src/ngx_http_api_schema*.c \
 *       fuzz/ngx_stubs.c fuzz/ngx_schema_stubs.c \
 *       $core/src/core/{ngx_palloc,ngx_string,ngx_array,ngx_list,ngx_regex}.c \
 *       $core/src/os/unix/ngx_alloc.c -ljansson -lpcre2-8 \
 *       -o build/schema_bench
 *   build/schema_bench conf/items.schema.json
 */


#include <time.h>
#include <jansson.h>

#include "ngx_fuzz.h"
#include "ngx_http_api_schema.h"


#define NGX_SCHEMA_BENCH_RUNS  1000000


static const char  ngx_schema_bench_doc[] =
    "{\"name\":\"Bench item 999999\",\"sku\":\"BENCH-999999\",\"price\":1999,"
    "\"qty\":500,\"active\":true,\"tags\":[\"bench\",\"post\"],"
    "\"note\":\"A document of a typical size, written by make bench.\"}";


static double
ngx_schema_bench_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


int
main(int argc, char **argv)
{
    int                     i;
    double                  start, parse, valid;
    json_t                 *doc;
    ngx_str_t               err;
    ngx_pool_t             *pool;
    ngx_array_t            *errors;
    json_error_t            jerr;
    ngx_http_api_schema_t  *schema;

    if (argc != 2) {
        fprintf(stderr, "usage: schema_bench SCHEMA.json\n");
        return 2;
    }

    pool = ngx_fuzz_pool();
    pool->max = NGX_MAX_ALLOC_FROM_POOL;

    schema = ngx_http_api_schema_read(pool, argv[1], &err);
    if (schema == NULL) {
        fprintf(stderr, "%.*s\n", (int) err.len, err.data);
        return 1;
    }

    start = ngx_schema_bench_now();

    for (i = 0; i < NGX_SCHEMA_BENCH_RUNS; i++) {
        doc = json_loads(ngx_schema_bench_doc, JSON_REJECT_DUPLICATES, &jerr);
        json_decref(doc);
    }

    parse = ngx_schema_bench_now() - start;

    doc = json_loads(ngx_schema_bench_doc, JSON_REJECT_DUPLICATES, &jerr);

    start = ngx_schema_bench_now();

    for (i = 0; i < NGX_SCHEMA_BENCH_RUNS; i++) {
        if (ngx_http_api_schema_validate(schema, doc, pool, &errors)
            != NGX_OK)
        {
            fprintf(stderr, "the bench document does not validate\n");
            return 1;
        }
    }

    valid = ngx_schema_bench_now() - start;

    printf("validate: %.0f ns per document (json_loads: %.0f ns), "
           "%d runs\n", valid * 1e9 / NGX_SCHEMA_BENCH_RUNS,
           parse * 1e9 / NGX_SCHEMA_BENCH_RUNS, NGX_SCHEMA_BENCH_RUNS);

    json_decref(doc);
    ngx_destroy_pool(pool);

    return 0;
}
