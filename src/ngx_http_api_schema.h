
/*
 * ngx_http_api_module: JSON Schema draft-07, compiled once at
 * configuration time, checked against documents at request time.
 */


#ifndef _NGX_HTTP_API_SCHEMA_H_INCLUDED_
#define _NGX_HTTP_API_SCHEMA_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <jansson.h>


/* the most errors one validation reports; it stops looking after that */
#define NGX_HTTP_API_SCHEMA_ERRORS_MAX  10


typedef struct ngx_http_api_schema_s  ngx_http_api_schema_t;


typedef struct {
    ngx_str_t    instance;      /* JSON pointer into the document */
    ngx_str_t    schema;        /* JSON pointer into the schema file */
    ngx_str_t    message;       /* ASCII, no instance data */
} ngx_http_api_schema_error_t;


/*
 * Reads and compiles a schema file (a C string).  Everything, the parsed
 * JSON included (a pool cleanup decrefs it), lives as long as the pool;
 * regexes go through ngx_regex_compile() and so are JIT-compiled with
 * the configuration when pcre_jit is on.  On failure returns NULL and
 * sets *err (pool memory) to a message quoting the file and the JSON
 * pointer of the bad keyword.  Blocking file I/O: configuration time only.
 */
ngx_http_api_schema_t *ngx_http_api_schema_read(ngx_pool_t *pool,
    const char *file, ngx_str_t *err);

/*
 * Compiles a parsed schema; takes a reference to json (released by a pool
 * cleanup).  *err as above, without the file name.
 */
ngx_http_api_schema_t *ngx_http_api_schema_compile(ngx_pool_t *pool,
    json_t *json, ngx_str_t *err);

/*
 * Checks doc.  NGX_OK: valid, nothing allocated (unless the schema has
 * propertyNames).  NGX_DECLINED: invalid, *errors is an array of 1 to
 * NGX_HTTP_API_SCHEMA_ERRORS_MAX ngx_http_api_schema_error_t in the pool.
 * NGX_ERROR: out of memory.  The schema is only read: one compiled schema
 * serves every request of the worker.
 */
ngx_int_t ngx_http_api_schema_validate(ngx_http_api_schema_t *schema,
    json_t *doc, ngx_pool_t *pool, ngx_array_t **errors);


#endif /* _NGX_HTTP_API_SCHEMA_H_INCLUDED_ */
