
/*
 * ngx_http_api_module: how documents are laid out in Redis.
 */


#ifndef _NGX_HTTP_API_STORE_H_INCLUDED_
#define _NGX_HTTP_API_STORE_H_INCLUDED_


#include "ngx_http_api.h"


#define NGX_HTTP_API_SCRIPT_CREATE   0
#define NGX_HTTP_API_SCRIPT_PUT      1
#define NGX_HTTP_API_SCRIPT_PATCH    2
#define NGX_HTTP_API_SCRIPT_DELETE   3
#define NGX_HTTP_API_SCRIPT_LIST     4
#define NGX_HTTP_API_SCRIPT_UNLOCK   5
#define NGX_HTTP_API_SCRIPT_N        6


/* Registers the store's scripts once per http block. */
ngx_int_t ngx_http_api_store_init(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);

/*
 * "<prefix>{<collection>}:<id>", the document's hash, or with an empty
 * id "<prefix>{<collection>}", the collection's index.  The collection is
 * a Redis Cluster hash tag: a document and its index share a slot.
 */
ngx_int_t ngx_http_api_store_key(ngx_pool_t *pool,
    ngx_http_api_main_conf_t *amcf, ngx_str_t *collection, ngx_str_t *id,
    ngx_str_t *key);


#endif /* _NGX_HTTP_API_STORE_H_INCLUDED_ */
