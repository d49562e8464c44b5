
/*
 * ngx_http_api_module: what a request's path, headers and arguments say,
 * parsed from plain bytes (no request, no Redis), so each can be fuzzed.
 */


#ifndef _NGX_HTTP_API_PARSE_H_INCLUDED_
#define _NGX_HTTP_API_PARSE_H_INCLUDED_


#include "ngx_http_api.h"


/* The problem a client mistake is answered with. */
typedef struct {
    ngx_uint_t      status;
    const char     *code;
    const char     *detail;
} ngx_http_api_error_t;


typedef struct {
    ngx_str_t       collection;
    ngx_str_t       id;         /* empty for the collection itself */
    ngx_uint_t      item;       /* 1: /{collection}/{id} */
} ngx_http_api_route_t;


/*
 * The path after the location prefix, [p, end): "{collection}",
 * "{collection}/" or "{collection}/{id}", where collection is one of
 * collections (ngx_str_t) and the id is valid (ngx_http_api_id_valid()).
 * NGX_OK: routed, collection and id point into [p, end).  NGX_DECLINED:
 * err says what to answer.
 */
ngx_int_t ngx_http_api_parse_route(u_char *p, u_char *end,
    ngx_array_t *collections, ngx_http_api_route_t *route,
    ngx_http_api_error_t *err);

/*
 * An If-Match / If-None-Match value (NULL: no header) as the store
 * scripts take it: "" (no header), "*", or ",rev,rev," with the opaque
 * tags the value lists.  With weak == 0 (If-Match) weak tags are left
 * out; a value that names no usable tag becomes ",", which matches
 * nothing.  NGX_OK or NGX_ERROR; the list lives in the pool.
 */
ngx_int_t ngx_http_api_parse_etags(ngx_pool_t *pool, ngx_str_t *value,
    ngx_uint_t weak, ngx_str_t *list);

/* Whether rev is in a list made by ngx_http_api_parse_etags(). */
ngx_uint_t ngx_http_api_etag_listed(ngx_str_t *list, ngx_str_t *rev);

/*
 * The "limit" argument, decoded by ngx_http_api_parse_arg(): NGX_OK and
 * *limit set for an integer from 1 to max, otherwise NGX_DECLINED and
 * *limit untouched.
 */
ngx_int_t ngx_http_api_parse_limit(ngx_str_t *value, ngx_uint_t max,
    ngx_uint_t *limit);

/*
 * A query argument's value as ngx_http_arg() finds it, percent-decoded
 * into *text (in the pool); "+" stays "+".  NGX_DECLINED: a "%" not
 * followed by two hex digits.  NGX_ERROR.  Every argument the API reads
 * goes through it.
 */
ngx_int_t ngx_http_api_parse_arg(ngx_pool_t *pool, ngx_str_t *value,
    ngx_str_t *text);

/*
 * The "cursor" argument, decoded by ngx_http_api_parse_arg(): the
 * unpadded base64url of an id.  NGX_OK: *id is the decoded id (valid, in
 * the pool).  NGX_DECLINED: not exactly a cursor this API makes (padding,
 * anything after it, spare bits set).  NGX_ERROR.
 */
ngx_int_t ngx_http_api_parse_cursor(ngx_pool_t *pool, ngx_str_t *text,
    ngx_str_t *id);

/*
 * A Content-Type value: NGX_OK for application/json; with patch set
 * also application/merge-patch+json, else any other application/...+json
 * but the patch formats merge-patch+json and json-patch+json.
 * Parameters (";charset=utf-8") are ignored.  Else NGX_DECLINED.
 */
ngx_int_t ngx_http_api_parse_media_type(ngx_str_t *value, ngx_uint_t patch);


/*
 * A name of 1 to max bytes of A-Z a-z 0-9 and the characters in extra
 * (collections, zones, scopes, key names): 1 when it is one, else 0.
 */
ngx_uint_t ngx_http_api_parse_name(u_char *p, size_t len, size_t max,
    const char *extra);

/*
 * The first request header called "name" (any case), or NULL; when n is
 * not NULL, *n is increased by how many there are.
 */
ngx_table_elt_t *ngx_http_api_parse_header(ngx_http_request_t *r,
    u_char *name, size_t len, ngx_uint_t *n);

/* Writes n in decimal, without ngx_sprintf()'s cost; returns the end. */
u_char *ngx_http_api_write_uint(u_char *p, uint64_t n);


#endif /* _NGX_HTTP_API_PARSE_H_INCLUDED_ */
