
/*
 * ngx_http_api_module: the resource API's state of one request (ctx->op),
 * shared by its routing (handler.c), lists, writes and document responses.
 * Types only.
 */


#ifndef _NGX_HTTP_API_OP_H_INCLUDED_
#define _NGX_HTTP_API_OP_H_INCLUDED_


#include "ngx_http_api.h"
#include "ngx_http_api_cond.h"
#include "ngx_http_api_id.h"
#include "ngx_http_api_idempotency.h"


#define NGX_HTTP_API_OP_GET      0
#define NGX_HTTP_API_OP_LIST     1
#define NGX_HTTP_API_OP_CREATE   2
#define NGX_HTTP_API_OP_PUT      3
#define NGX_HTTP_API_OP_PATCH    4
#define NGX_HTTP_API_OP_DELETE   5


struct ngx_http_api_op_s {
    ngx_http_api_ctx_t          *ctx;       /* the request's context */
    ngx_http_api_loc_conf_t     *alcf;
    ngx_http_api_main_conf_t    *amcf;
    ngx_uint_t                   kind;      /* NGX_HTTP_API_OP_* */
    ngx_str_t                    collection;
    ngx_str_t                    id;
    ngx_str_t                    key;
    ngx_str_t                    index;
    ngx_http_api_cond_t          cond;      /* its preconditions */
    ngx_str_t                    doc;
    u_char                       rev[NGX_HTTP_API_ID_LEN];
    u_char                       idbuf[NGX_HTTP_API_ID_LEN];
    u_char                       now[NGX_INT64_LEN];
    ngx_str_t                    now_str;
    ngx_uint_t                   limit;
    ngx_http_api_idem_t         *idem;      /* with an Idempotency-Key */
};


#endif /* _NGX_HTTP_API_OP_H_INCLUDED_ */
