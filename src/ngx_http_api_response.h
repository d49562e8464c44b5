
/*
 * ngx_http_api_module: JSON responses and RFC 9457 problem details.
 */


#ifndef _NGX_HTTP_API_RESPONSE_H_INCLUDED_
#define _NGX_HTTP_API_RESPONSE_H_INCLUDED_


#include <hiredis/hiredis.h>

#include "ngx_http_api.h"


/* Stable machine-readable "code" values of problem responses. */
#define NGX_HTTP_API_E_METHOD           "method_not_allowed"
#define NGX_HTTP_API_E_REDIS_DOWN       "redis_unavailable"
#define NGX_HTTP_API_E_REDIS_TIMEOUT    "redis_timeout"
#define NGX_HTTP_API_E_REDIS_ERROR      "redis_error"
#define NGX_HTTP_API_E_INTERNAL         "internal_error"


/*
 * Both send the whole response and return what the caller passes to
 * ngx_http_finalize_request() (or returns from a content handler).
 */
ngx_int_t ngx_http_api_send_json(ngx_http_request_t *r, ngx_uint_t status,
    u_char *body, size_t len);
ngx_int_t ngx_http_api_send_problem(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *detail);

/* The same for a body of several buffers, "len" bytes in all. */
ngx_int_t ngx_http_api_send_chain(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_chain_t *out, size_t len);

ngx_int_t ngx_http_api_discard_body(ngx_http_request_t *r);

/* init_main_conf: the index of $request_id. */
ngx_int_t ngx_http_api_response_init(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);

/* OPTIONS: 204 with Allow; returns what to finalize with. */
ngx_int_t ngx_http_api_send_options(ngx_http_request_t *r,
    const char *allow);

/* 405 with Allow and a problem body; returns what to finalize with. */
ngx_int_t ngx_http_api_send_not_allowed(ngx_http_request_t *r,
    const char *allow, const char *detail);

/* GET and HEAD: NGX_OK; else NGX_DECLINED and *rc is what to return. */
ngx_int_t ngx_http_api_read_only(ngx_http_request_t *r, ngx_int_t *rc);

/* The problem for a status the Redis engine reported (503, 504, 500). */
ngx_int_t ngx_http_api_send_redis_problem(ngx_http_request_t *r,
    ngx_int_t status);

/*
 * The problem for a Redis reply the caller cannot use: an error reply
 * (503, logged at error) or one of a type the command never returns (500,
 * logged at alert: a bug or a foreign script).
 */
ngx_int_t ngx_http_api_send_reply_problem(ngx_http_request_t *r,
    redisReply *reply);

/*
 * Adds a response header; name and value must outlive the request
 * (literals or r->pool memory).  A NULL body sends no Content-Type.
 */
ngx_int_t ngx_http_api_set_header(ngx_http_request_t *r, const char *name,
    const char *value);
ngx_int_t ngx_http_api_add_header(ngx_http_request_t *r, const char *name,
    u_char *value, size_t len);


#endif /* _NGX_HTTP_API_RESPONSE_H_INCLUDED_ */
