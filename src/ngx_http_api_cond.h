
/*
 * ngx_http_api_module: conditional requests (RFC 9110, section 13).
 */


#ifndef _NGX_HTTP_API_COND_H_INCLUDED_
#define _NGX_HTTP_API_COND_H_INCLUDED_


#include "ngx_http_api.h"


/*
 * A request's preconditions, as they apply: a header that RFC 9110 says
 * to ignore (an invalid date, If-Unmodified-Since next to If-Match,
 * If-Modified-Since next to If-None-Match or on a write) is absent here.
 */
typedef struct {
    ngx_str_t       if_match;               /* ngx_http_api_parse_etags() */
    ngx_str_t       if_none_match;          /* of each, weak for this one */
    time_t          if_unmodified_since;    /* -1: none */
    time_t          if_modified_since;      /* -1: none */
} ngx_http_api_cond_t;


/* Reads the request's preconditions; NGX_OK or NGX_ERROR (memory). */
ngx_int_t ngx_http_api_cond_read(ngx_http_request_t *r,
    ngx_http_api_cond_t *cond);

/*
 * Evaluates them for a read (RFC 9110, 13.2.2) of a representation with
 * the entity tag rev (NULL: it has none) and last modified at mtime (-1:
 * unknown): NGX_HTTP_OK, NGX_HTTP_NOT_MODIFIED or
 * NGX_HTTP_PRECONDITION_FAILED.
 */
ngx_uint_t ngx_http_api_cond_eval(ngx_http_api_cond_t *cond, ngx_str_t *rev,
    time_t mtime);

/*
 * An HTTP-date in any of its three formats (RFC 9110, 5.6.7): the time,
 * or -1 for anything else, a list of dates included.
 */
time_t ngx_http_api_cond_date(ngx_str_t *value);


#endif /* _NGX_HTTP_API_COND_H_INCLUDED_ */
