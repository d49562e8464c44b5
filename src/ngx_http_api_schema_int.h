
/*
 * ngx_http_api_module: the compiled form of a JSON Schema, shared by the
 * compiler (ngx_http_api_schema.c, _schema_keyword.c), the validator
 * (_schema_validate.c) and its checks of single values (_schema_value.c).
 */


#ifndef _NGX_HTTP_API_SCHEMA_INT_H_INCLUDED_
#define _NGX_HTTP_API_SCHEMA_INT_H_INCLUDED_


#include "ngx_http_api_schema.h"


/* instance types, as "type" names them */
#define NGX_HTTP_API_SCHEMA_NULL       0x01
#define NGX_HTTP_API_SCHEMA_BOOLEAN    0x02
#define NGX_HTTP_API_SCHEMA_OBJECT     0x04
#define NGX_HTTP_API_SCHEMA_ARRAY      0x08
#define NGX_HTTP_API_SCHEMA_NUMBER     0x10
#define NGX_HTTP_API_SCHEMA_STRING     0x20
#define NGX_HTTP_API_SCHEMA_INTEGER    0x40

/* which groups of keywords a node has: the validator skips the rest */
#define NGX_HTTP_API_SCHEMA_F_FALSE    0x0001
#define NGX_HTTP_API_SCHEMA_F_REF      0x0002
#define NGX_HTTP_API_SCHEMA_F_TYPE     0x0004
#define NGX_HTTP_API_SCHEMA_F_ENUM     0x0008
#define NGX_HTTP_API_SCHEMA_F_CONST    0x0010
#define NGX_HTTP_API_SCHEMA_F_NUMERIC  0x0020
#define NGX_HTTP_API_SCHEMA_F_STR      0x0040
#define NGX_HTTP_API_SCHEMA_F_ARR      0x0080
#define NGX_HTTP_API_SCHEMA_F_OBJ      0x0100
#define NGX_HTTP_API_SCHEMA_F_LOGIC    0x0200

/* the asserted formats; others are annotations */
#define NGX_HTTP_API_SCHEMA_FMT_NONE       0
#define NGX_HTTP_API_SCHEMA_FMT_DATE_TIME  1
#define NGX_HTTP_API_SCHEMA_FMT_DATE       2
#define NGX_HTTP_API_SCHEMA_FMT_TIME       3
#define NGX_HTTP_API_SCHEMA_FMT_EMAIL      4
#define NGX_HTTP_API_SCHEMA_FMT_IPV4       5
#define NGX_HTTP_API_SCHEMA_FMT_IPV6       6
#define NGX_HTTP_API_SCHEMA_FMT_URI        7
#define NGX_HTTP_API_SCHEMA_FMT_UUID       8

/* nested subschema checks one validation may go through */
#define NGX_HTTP_API_SCHEMA_DEPTH_MAX  512

/* subschema checks one validation may make in all */
#define NGX_HTTP_API_SCHEMA_STEPS_MAX  1000000


typedef struct ngx_http_api_schema_node_s  ngx_http_api_schema_node_t;


typedef struct {
    ngx_str_t                    name;
    ngx_http_api_schema_node_t  *schema;
} ngx_http_api_schema_prop_t;


typedef struct {
    ngx_regex_t                 *regex;
    ngx_http_api_schema_node_t  *schema;
} ngx_http_api_schema_pattern_t;


typedef struct {
    ngx_str_t                    name;
    ngx_http_api_schema_node_t  *schema;     /* a schema dependency, or */
    ngx_array_t                 *required;   /* of ngx_str_t */
} ngx_http_api_schema_dep_t;


struct ngx_http_api_schema_node_s {
    ngx_uint_t                   flags;
    ngx_uint_t                   types;
    ngx_str_t                    path;       /* JSON pointer in the file */
    json_t                      *json;       /* borrowed from the root */

    ngx_http_api_schema_node_t  *ref;
    ngx_str_t                    ref_uri;    /* compile time: absolute */
    ngx_str_t                    base;       /* compile time: base URI */
    ngx_str_t                    id;         /* compile time: its $id */
    ngx_uint_t                   mark;       /* compile time: loops */

    json_t                      *enumeration;
    json_t                      *constant;

    json_t                      *minimum;
    json_t                      *maximum;
    json_t                      *exclusive_minimum;
    json_t                      *exclusive_maximum;
    json_t                      *multiple_of;

    size_t                       min_length;
    size_t                       max_length;
    ngx_regex_t                 *pattern;
    ngx_uint_t                   format;

    ngx_http_api_schema_node_t  *items;            /* one for all */
    ngx_array_t                 *tuple;            /* of node * */
    ngx_http_api_schema_node_t  *additional_items;
    ngx_http_api_schema_node_t  *contains;
    size_t                       min_items;
    size_t                       max_items;
    ngx_uint_t                   unique_items;

    json_t                      *properties_json;  /* for lookups */
    ngx_array_t                 *properties;       /* of prop_t */
    ngx_array_t                 *pattern_properties;
    ngx_http_api_schema_node_t  *additional_properties;
    ngx_array_t                 *required;         /* of ngx_str_t */
    ngx_http_api_schema_node_t  *property_names;
    ngx_array_t                 *dependencies;     /* of dep_t */
    size_t                       min_properties;
    size_t                       max_properties;

    ngx_array_t                 *all_of;           /* of node * */
    ngx_array_t                 *any_of;
    ngx_array_t                 *one_of;
    ngx_http_api_schema_node_t  *not;
    ngx_http_api_schema_node_t  *if_;
    ngx_http_api_schema_node_t  *then;
    ngx_http_api_schema_node_t  *else_;
};


struct ngx_http_api_schema_s {
    ngx_http_api_schema_node_t  *root;
    json_t                      *json;
};


/* the compiler's state, shared by _schema.c and _schema_keyword.c */
typedef struct {
    ngx_pool_t                  *pool;
    ngx_array_t                  nodes;      /* of node *, every one */
    ngx_str_t                   *err;
} ngx_http_api_schema_cc_t;


ngx_http_api_schema_node_t *ngx_http_api_schema_node(
    ngx_http_api_schema_cc_t *cc, json_t *json, ngx_str_t *path,
    ngx_str_t *base);
ngx_int_t ngx_http_api_schema_keywords(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
ngx_int_t ngx_http_api_schema_path(ngx_pool_t *pool, ngx_str_t *path,
    ngx_str_t *parent, const char *kw, const char *key, size_t len);
ngx_int_t ngx_http_api_schema_resolve_uri(ngx_pool_t *pool,
    ngx_str_t *base, const char *ref, size_t len, ngx_str_t *uri);
ngx_int_t ngx_http_api_schema_error(ngx_http_api_schema_cc_t *cc,
    ngx_str_t *path, const char *kw, const char *msg);

ngx_uint_t ngx_http_api_schema_format_find(const char *name, size_t len);
ngx_uint_t ngx_http_api_schema_is_type(ngx_uint_t types, json_t *inst);
int ngx_http_api_schema_cmp(json_t *a, json_t *b);
ngx_uint_t ngx_http_api_schema_multiple(json_t *inst, json_t *m);
ngx_uint_t ngx_http_api_schema_equal(json_t *a, json_t *b);
ngx_str_t *ngx_http_api_schema_format_name(ngx_uint_t format);
ngx_uint_t ngx_http_api_schema_format_check(ngx_uint_t format, u_char *p,
    size_t len);


#endif /* _NGX_HTTP_API_SCHEMA_INT_H_INCLUDED_ */
