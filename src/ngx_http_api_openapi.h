
/*
 * ngx_http_api_module: api_openapi, an OpenAPI 3.1 document of the
 * server's api, api_keys and api_health locations, generated once per
 * configuration load and served from memory.
 */


#ifndef _NGX_HTTP_API_OPENAPI_H_INCLUDED_
#define _NGX_HTTP_API_OPENAPI_H_INCLUDED_


#include <jansson.h>

#include "ngx_http_api.h"


/* What a location of the document is (ngx_http_api_openapi_loc_t). */
#define NGX_HTTP_API_OPENAPI_API      1
#define NGX_HTTP_API_OPENAPI_KEYS     2
#define NGX_HTTP_API_OPENAPI_HEALTH   3
#define NGX_HTTP_API_OPENAPI_SELF     4


/* A location the document describes, recorded while merging. */
typedef struct {
    ngx_uint_t                   kind;     /* NGX_HTTP_API_OPENAPI_* */
    void                        *server;   /* its server{}'s core conf */
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_api_loc_conf_t     *alcf;
} ngx_http_api_openapi_loc_t;


/* The document an api_openapi location serves (alcf->openapi). */
struct ngx_http_api_openapi_s {
    ngx_str_t                    body;
    ngx_str_t                    etag;     /* quoted */
};


char *ngx_http_api_openapi(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/*
 * Called by the location merge before anything is merged: records conf
 * when this very block has api, api_keys, api_health or api_openapi.
 */
ngx_int_t ngx_http_api_openapi_collect(ngx_conf_t *cf,
    ngx_http_api_loc_conf_t *conf);

/* postconfiguration: builds every api_openapi location's document. */
ngx_int_t ngx_http_api_openapi_init(ngx_conf_t *cf,
    ngx_http_api_main_conf_t *amcf);

/*
 * The OpenAPI document of the locations locs[0..n) (openapi_doc.c), as
 * a new jansson value the caller owns (json_decref()), or NULL.
 */
json_t *ngx_http_api_openapi_document(ngx_conf_t *cf,
    ngx_http_api_openapi_loc_t *locs, ngx_uint_t n);

/*
 * A collection's JSON Schema as a new reference the caller owns, or NULL
 * when it has none (the document then says {"type": "object"}).  The
 * place where api_collection_schema plugs in (openapi_doc.c).
 */
json_t *ngx_http_api_openapi_schema(ngx_http_api_loc_conf_t *alcf,
    ngx_str_t *collection);


#endif /* _NGX_HTTP_API_OPENAPI_H_INCLUDED_ */
