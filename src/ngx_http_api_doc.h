
/*
 * ngx_http_api_module: the resource API's document responses.
 */


#ifndef _NGX_HTTP_API_DOC_H_INCLUDED_
#define _NGX_HTTP_API_DOC_H_INCLUDED_


#include "ngx_http_api_op.h"


/*
 * Sends {"id":"<id>",<members of doc>} with ETag, Cache-Control (reads),
 * Content-Location (writes) and, when "location" is set, Location;
 * returns what to finalize with.
 */
ngx_int_t ngx_http_api_doc_send(ngx_http_request_t *r, ngx_http_api_op_t *op,
    ngx_uint_t status, u_char *doc, size_t len, ngx_str_t *rev,
    ngx_uint_t location);

/* ETag: "<rev>" */
ngx_int_t ngx_http_api_doc_set_etag(ngx_http_request_t *r, u_char *rev,
    size_t len);


#endif /* _NGX_HTTP_API_DOC_H_INCLUDED_ */
