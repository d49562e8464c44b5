
/*
 * ngx_http_api_module: the resource API's writes (POST, PUT, PATCH,
 * DELETE).
 */


#ifndef _NGX_HTTP_API_WRITE_H_INCLUDED_
#define _NGX_HTTP_API_WRITE_H_INCLUDED_


#include "ngx_http_api_op.h"


/* Accept-Patch (RFC 5789): what PATCH applies (parse_media_type()) */
#define NGX_HTTP_API_ACCEPT_PATCH                                             \
    "application/merge-patch+json, application/json"


/*
 * POST, PUT, PATCH (op->kind set): the media type, the Idempotency-Key's
 * lock, the body, then the write.  Returns what the content handler
 * returns: NGX_DONE while the body is read or the command is in flight.
 */
ngx_int_t ngx_http_api_write_start(ngx_http_request_t *r,
    ngx_http_api_op_t *op);

/* DELETE /{c}/{id}: no body, one EVALSHA; as ngx_http_api_write_start(). */
ngx_int_t ngx_http_api_write_delete(ngx_http_request_t *r,
    ngx_http_api_op_t *op);


#endif /* _NGX_HTTP_API_WRITE_H_INCLUDED_ */
