
/*
 * ngx_http_api_module: request body validation and compaction.
 */


#ifndef _NGX_HTTP_API_JSON_H_INCLUDED_
#define _NGX_HTTP_API_JSON_H_INCLUDED_


#include "ngx_http_api.h"


typedef struct {
    ngx_str_t       doc;        /* compact object text, "id" member removed */
    ngx_str_t       id;         /* the top-level "id" string, if any */
    unsigned        has_id:1;

    /* on NGX_DECLINED: the problem to answer with (400) */
    const char     *code;
    u_char         *detail;
} ngx_http_api_json_t;


/*
 * Validates a JSON object body and rewrites it compactly: the client's
 * key order, number spelling and string escapes are kept; object keys are
 * put in one canonical spelling; a top-level "id" member is lifted out.
 * Returns NGX_OK, NGX_DECLINED (bad input, see code/detail) or NGX_ERROR.
 * Everything it allocates lives in the pool.
 */
ngx_int_t ngx_http_api_json_parse(ngx_pool_t *pool, u_char *data, size_t len,
    ngx_uint_t max_depth, ngx_http_api_json_t *out);


#endif /* _NGX_HTTP_API_JSON_H_INCLUDED_ */
