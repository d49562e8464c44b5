
/*
 * ngx_http_api_module: listing a collection.
 */


#ifndef _NGX_HTTP_API_LIST_H_INCLUDED_
#define _NGX_HTTP_API_LIST_H_INCLUDED_


#include "ngx_http_api_op.h"


/*
 * GET/HEAD /{c}?limit=&cursor=, routed: returns what the content handler
 * returns (NGX_DONE while the script runs).
 */
ngx_int_t ngx_http_api_list(ngx_http_request_t *r, ngx_http_api_op_t *op);


#endif /* _NGX_HTTP_API_LIST_H_INCLUDED_ */
