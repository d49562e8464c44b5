
/*
 * ngx_http_api_module: the resource API (the "api" directive).
 */


#ifndef _NGX_HTTP_API_HANDLER_H_INCLUDED_
#define _NGX_HTTP_API_HANDLER_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_idempotency.h"


#define NGX_HTTP_API_OP_GET      0
#define NGX_HTTP_API_OP_LIST     1
#define NGX_HTTP_API_OP_CREATE   2
#define NGX_HTTP_API_OP_PUT      3
#define NGX_HTTP_API_OP_PATCH    4
#define NGX_HTTP_API_OP_DELETE   5

/* The resource API's part of the request context (ctx->op). */
typedef struct {
    ngx_http_api_ctx_t          *req;
    ngx_http_api_loc_conf_t     *alcf;
    ngx_http_api_main_conf_t    *amcf;
    ngx_uint_t                   op;
    ngx_str_t                    collection;
    ngx_str_t                    id;
    ngx_str_t                    key;
    ngx_str_t                    index;
    ngx_str_t                    if_match;
    ngx_str_t                    if_none_match;
    ngx_str_t                    doc;
    u_char                       rev[NGX_HTTP_API_ID_LEN];
    u_char                       idbuf[NGX_HTTP_API_ID_LEN];
    u_char                       now[NGX_INT64_LEN];
    ngx_str_t                    now_str;
    ngx_uint_t                   limit;
    ngx_http_api_idem_t         *idem;      /* with an Idempotency-Key */
} ngx_http_api_op_t;


ngx_int_t ngx_http_api_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_API_HANDLER_H_INCLUDED_ */
