
/*
 * ngx_http_api_module: what the two halves of the OpenAPI generator
 * share.  openapi_doc.c has the building blocks (components, operations,
 * responses), openapi_paths.c the document and each location's paths.
 */


#ifndef _NGX_HTTP_API_OPENAPI_INT_H_INCLUDED_
#define _NGX_HTTP_API_OPENAPI_INT_H_INCLUDED_


#include "ngx_http_api_openapi.h"


#define NGX_HTTP_API_OA_REF      "#/components/"


typedef struct {
    ngx_conf_t                  *cf;
    json_t                      *root;
    json_t                      *paths;
    json_t                      *schemas;
    json_t                      *headers;
    json_t                      *params;
    json_t                      *responses;    /* shared problems */
    json_t                      *security;     /* securitySchemes */
    json_t                      *tags;
    json_t                      *opids;        /* a set: taken ids */
    ngx_uint_t                   failed;
} ngx_http_api_oa_t;


/* One location's part of the document. */
typedef struct {
    ngx_http_api_oa_t           *oa;
    ngx_http_api_openapi_loc_t  *loc;
    ngx_http_api_loc_conf_t     *alcf;
    const char                  *scheme;   /* security scheme, or NULL */
    const char                  *resource; /* of read:x scopes, or NULL */
    const char                  *tag;
    const char                  *prefix;   /* of operation ids */
    const char                  *base;     /* the location's path */
    const char                  *limits;   /* the 429's description */
} ngx_http_api_oa_loc_t;


void ngx_http_api_oa_set(ngx_http_api_oa_t *oa, json_t *o,
    const char *key, json_t *value);
json_t *ngx_http_api_oa_ref(ngx_http_api_oa_t *oa, const char *kind,
    const char *name);
json_t *ngx_http_api_oa_header(ngx_http_api_oa_t *oa,
    const char *name);
json_t *ngx_http_api_oa_param(ngx_http_api_oa_t *oa,
    const char *name);
void ngx_http_api_oa_components(ngx_http_api_oa_t *oa);
ngx_int_t ngx_http_api_oa_tag(ngx_http_api_oa_loc_t *lc, const char *name,
    const char *description);
json_t *ngx_http_api_oa_path(ngx_http_api_oa_loc_t *lc,
    const char *fmt, const char *a);
json_t *ngx_http_api_oa_op(ngx_http_api_oa_loc_t *lc, json_t *path,
    const char *method, const char *summary, const char *id,
    const char *scope);
void ngx_http_api_oa_params(ngx_http_api_oa_loc_t *lc, json_t *op,
    const char *first, ...);
void ngx_http_api_oa_problems(ngx_http_api_oa_loc_t *lc, json_t *op,
    int first, ...);
json_t *ngx_http_api_oa_success(ngx_http_api_oa_loc_t *lc,
    json_t *op, ngx_uint_t status, const char *description, json_t *schema,
    const char *type);
void ngx_http_api_oa_add_header(ngx_http_api_oa_loc_t *lc,
    json_t *resp, const char *name);
void ngx_http_api_oa_finish(ngx_http_api_oa_loc_t *lc, json_t *op);
void ngx_http_api_oa_body(ngx_http_api_oa_loc_t *lc, json_t *op,
    json_t *schema, ngx_uint_t patch);
json_t *ngx_http_api_oa_idem(ngx_http_api_oa_loc_t *lc);
void ngx_http_api_oa_write(ngx_http_api_oa_loc_t *lc, json_t *op,
    json_t *resp, ngx_uint_t idem, ngx_uint_t check);
const char *ngx_http_api_oa_slug(ngx_conf_t *cf, ngx_str_t *name);
const char *ngx_http_api_oa_str(ngx_conf_t *cf, const char *fmt,
    ...);


#endif /* _NGX_HTTP_API_OPENAPI_INT_H_INCLUDED_ */
