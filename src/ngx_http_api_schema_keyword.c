
/*
 * ngx_http_api_module: compiles the keywords of one JSON Schema object
 * (draft-07's validation vocabulary) into its node.
 */


#include "ngx_http_api_schema_int.h"


static ngx_int_t ngx_http_api_schema_kw_numeric(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_kw_string(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_kw_array(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_kw_object(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_kw_deps(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, json_t *deps);
static ngx_int_t ngx_http_api_schema_kw_logic(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n);
static ngx_int_t ngx_http_api_schema_kw_type(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, json_t *type);
static ngx_http_api_schema_node_t *ngx_http_api_schema_kw_sub(
    ngx_http_api_schema_cc_t *cc, ngx_http_api_schema_node_t *n,
    const char *kw, const char *key, size_t len, json_t *json);
static ngx_array_t *ngx_http_api_schema_kw_list(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, const char *kw, json_t *json,
    ngx_uint_t empty);
static ngx_array_t *ngx_http_api_schema_kw_names(ngx_http_api_schema_cc_t *cc,
    ngx_str_t *path, json_t *json);
static ngx_int_t ngx_http_api_schema_kw_size(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, const char *kw, size_t *value);
static ngx_regex_t *ngx_http_api_schema_kw_regex(ngx_http_api_schema_cc_t *cc,
    ngx_str_t *path, const char *src, size_t len);


ngx_int_t
ngx_http_api_schema_keywords(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t      *v, *json;
    size_t       len;
    const char  *key;

    json = n->json;

    v = json_object_get(json, "definitions");

    if (v != NULL) {
        if (!json_is_object(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "definitions",
                                             "must be an object");
        }

        json_object_keylen_foreach(v, key, len, json) {
            if (ngx_http_api_schema_kw_sub(cc, n, "definitions", key, len,
                                           json)
                == NULL)
            {
                return NGX_ERROR;
            }
        }

        json = n->json;
    }

    v = json_object_get(json, "$ref");

    if (v != NULL) {
        /* draft-07: $ref makes every sibling keyword ignored */

        if (!json_is_string(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "$ref",
                                             "must be a string");
        }

        n->flags = NGX_HTTP_API_SCHEMA_F_REF;

        return ngx_http_api_schema_resolve_uri(cc->pool, &n->base,
                                               json_string_value(v),
                                               json_string_length(v),
                                               &n->ref_uri);
    }

    v = json_object_get(json, "type");

    if (v != NULL) {
        if (ngx_http_api_schema_kw_type(cc, n, v) != NGX_OK) {
            return NGX_ERROR;
        }

        n->flags |= NGX_HTTP_API_SCHEMA_F_TYPE;
    }

    v = json_object_get(json, "enum");

    if (v != NULL) {
        if (!json_is_array(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "enum",
                                             "must be an array");
        }

        n->enumeration = v;
        n->flags |= NGX_HTTP_API_SCHEMA_F_ENUM;
    }

    v = json_object_get(json, "const");

    if (v != NULL) {
        n->constant = v;
        n->flags |= NGX_HTTP_API_SCHEMA_F_CONST;
    }

    if (ngx_http_api_schema_kw_numeric(cc, n) != NGX_OK
        || ngx_http_api_schema_kw_string(cc, n) != NGX_OK
        || ngx_http_api_schema_kw_array(cc, n) != NGX_OK
        || ngx_http_api_schema_kw_object(cc, n) != NGX_OK
        || ngx_http_api_schema_kw_logic(cc, n) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_type(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, json_t *type)
{
    json_t      *v;
    size_t       i, k, count;
    ngx_uint_t   bit;

    static const char  *names[] = {
        "null", "boolean", "object", "array", "number", "string", "integer"
    };

    count = json_is_array(type) ? json_array_size(type) : 1;

    for (i = 0; i < count; i++) {
        v = json_is_array(type) ? json_array_get(type, i) : type;

        if (!json_is_string(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "type",
                                    "must be a type name or an array of them");
        }

        for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            if (ngx_strcmp(json_string_value(v), names[k]) == 0) {
                break;
            }
        }

        if (k == sizeof(names) / sizeof(names[0])) {
            return ngx_http_api_schema_error(cc, &n->path, "type",
                                             "names an unknown type");
        }

        bit = (ngx_uint_t) 1 << k;

        if (n->types & bit) {
            return ngx_http_api_schema_error(cc, &n->path, "type",
                                             "names a type twice");
        }

        n->types |= bit;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_numeric(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t      *v, **fields[5];
    ngx_uint_t   i;

    static const char  *kws[] = {
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf"
    };

    fields[0] = &n->minimum;
    fields[1] = &n->maximum;
    fields[2] = &n->exclusive_minimum;
    fields[3] = &n->exclusive_maximum;
    fields[4] = &n->multiple_of;

    for (i = 0; i < 5; i++) {
        v = json_object_get(n->json, kws[i]);

        if (v == NULL) {
            continue;
        }

        if (!json_is_number(v)) {
            return ngx_http_api_schema_error(cc, &n->path, kws[i],
                                             "must be a number");
        }

        if (i == 4 && json_number_value(v) <= 0) {
            return ngx_http_api_schema_error(cc, &n->path, kws[i],
                                             "must be greater than 0");
        }

        *fields[i] = v;
        n->flags |= NGX_HTTP_API_SCHEMA_F_NUMERIC;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_string(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t     *v;
    ngx_str_t   path;

    if (ngx_http_api_schema_kw_size(cc, n, "minLength", &n->min_length)
        != NGX_OK
        || ngx_http_api_schema_kw_size(cc, n, "maxLength", &n->max_length)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    v = json_object_get(n->json, "pattern");

    if (v != NULL) {
        if (ngx_http_api_schema_path(cc->pool, &path, &n->path, "pattern",
                                     NULL, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (!json_is_string(v)) {
            return ngx_http_api_schema_error(cc, &path, NULL,
                                             "must be a string");
        }

        n->pattern = ngx_http_api_schema_kw_regex(cc, &path,
                                                  json_string_value(v),
                                                  json_string_length(v));
        if (n->pattern == NULL) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(n->json, "format");

    if (v != NULL) {
        if (!json_is_string(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "format",
                                             "must be a string");
        }

        n->format = ngx_http_api_schema_format_find(json_string_value(v),
                                                    json_string_length(v));
    }

    if (n->min_length != 0 || n->max_length != NGX_MAX_SIZE_T_VALUE
        || n->pattern != NULL || n->format != NGX_HTTP_API_SCHEMA_FMT_NONE)
    {
        n->flags |= NGX_HTTP_API_SCHEMA_F_STR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_array(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t  *v;

    v = json_object_get(n->json, "items");

    if (json_is_array(v)) {
        n->tuple = ngx_http_api_schema_kw_list(cc, n, "items", v, 1);
        if (n->tuple == NULL) {
            return NGX_ERROR;
        }

    } else if (v != NULL) {
        n->items = ngx_http_api_schema_kw_sub(cc, n, "items", NULL, 0, v);
        if (n->items == NULL) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(n->json, "additionalItems");

    if (v != NULL) {
        n->additional_items = ngx_http_api_schema_kw_sub(cc, n,
                                                         "additionalItems",
                                                         NULL, 0, v);
        if (n->additional_items == NULL) {
            return NGX_ERROR;
        }

        if (n->tuple == NULL) {
            /* without an items array it constrains nothing */
            n->additional_items = NULL;
        }
    }

    v = json_object_get(n->json, "contains");

    if (v != NULL) {
        n->contains = ngx_http_api_schema_kw_sub(cc, n, "contains", NULL, 0, v);
        if (n->contains == NULL) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_api_schema_kw_size(cc, n, "minItems", &n->min_items) != NGX_OK
        || ngx_http_api_schema_kw_size(cc, n, "maxItems", &n->max_items)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    v = json_object_get(n->json, "uniqueItems");

    if (v != NULL) {
        if (!json_is_boolean(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "uniqueItems",
                                             "must be a boolean");
        }

        n->unique_items = json_is_true(v);
    }

    if (n->tuple != NULL || n->items != NULL || n->contains != NULL
        || n->min_items != 0 || n->max_items != NGX_MAX_SIZE_T_VALUE
        || n->unique_items)
    {
        n->flags |= NGX_HTTP_API_SCHEMA_F_ARR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_object(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t                         *v, *sub;
    size_t                          len;
    ngx_str_t                       path;
    const char                     *key;
    ngx_http_api_schema_prop_t     *prop;
    ngx_http_api_schema_pattern_t  *pat;

    v = json_object_get(n->json, "properties");

    if (v != NULL) {
        if (!json_is_object(v)) {
            return ngx_http_api_schema_error(cc, &n->path, "properties",
                                             "must be an object");
        }

        n->properties_json = v;
        n->properties = ngx_array_create(cc->pool, json_object_size(v) + 1,
                                      sizeof(ngx_http_api_schema_prop_t));
        if (n->properties == NULL) {
            return NGX_ERROR;
        }

        json_object_keylen_foreach(v, key, len, sub) {
            prop = ngx_array_push(n->properties);
            if (prop == NULL) {
                return NGX_ERROR;
            }

            prop->name.data = (u_char *) key;
            prop->name.len = len;
            prop->schema = ngx_http_api_schema_kw_sub(cc, n, "properties", key,
                                                      len, sub);
            if (prop->schema == NULL) {
                return NGX_ERROR;
            }
        }
    }

    v = json_object_get(n->json, "patternProperties");

    if (v != NULL) {
        if (!json_is_object(v)) {
            return ngx_http_api_schema_error(cc, &n->path,
                                             "patternProperties",
                                             "must be an object");
        }

        n->pattern_properties = ngx_array_create(cc->pool,
                                    json_object_size(v) + 1,
                                    sizeof(ngx_http_api_schema_pattern_t));
        if (n->pattern_properties == NULL) {
            return NGX_ERROR;
        }

        json_object_keylen_foreach(v, key, len, sub) {
            pat = ngx_array_push(n->pattern_properties);
            if (pat == NULL) {
                return NGX_ERROR;
            }

            if (ngx_http_api_schema_path(cc->pool, &path, &n->path,
                                         "patternProperties", key, len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            pat->regex = ngx_http_api_schema_kw_regex(cc, &path, key, len);
            if (pat->regex == NULL) {
                return NGX_ERROR;
            }

            pat->schema = ngx_http_api_schema_kw_sub(cc, n, "patternProperties",
                                                     key, len, sub);
            if (pat->schema == NULL) {
                return NGX_ERROR;
            }
        }
    }

    v = json_object_get(n->json, "additionalProperties");

    if (v != NULL) {
        n->additional_properties = ngx_http_api_schema_kw_sub(cc, n,
                                                     "additionalProperties",
                                                     NULL, 0, v);
        if (n->additional_properties == NULL) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(n->json, "required");

    if (v != NULL) {
        if (ngx_http_api_schema_path(cc->pool, &path, &n->path, "required",
                                     NULL, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        n->required = ngx_http_api_schema_kw_names(cc, &path, v);
        if (n->required == NULL) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(n->json, "propertyNames");

    if (v != NULL) {
        n->property_names = ngx_http_api_schema_kw_sub(cc, n, "propertyNames",
                                                       NULL, 0, v);
        if (n->property_names == NULL) {
            return NGX_ERROR;
        }
    }

    v = json_object_get(n->json, "dependencies");

    if (v != NULL && ngx_http_api_schema_kw_deps(cc, n, v) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ngx_http_api_schema_kw_size(cc, n, "minProperties", &n->min_properties)
        != NGX_OK
        || ngx_http_api_schema_kw_size(cc, n, "maxProperties",
                                       &n->max_properties)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (n->properties != NULL || n->pattern_properties != NULL
        || n->additional_properties != NULL || n->required != NULL
        || n->property_names != NULL || n->dependencies != NULL
        || n->min_properties != 0
        || n->max_properties != NGX_MAX_SIZE_T_VALUE)
    {
        n->flags |= NGX_HTTP_API_SCHEMA_F_OBJ;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_deps(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, json_t *deps)
{
    json_t                     *sub;
    size_t                      len;
    ngx_str_t                   path;
    const char                 *key;
    ngx_http_api_schema_dep_t  *dep;

    if (!json_is_object(deps)) {
        return ngx_http_api_schema_error(cc, &n->path, "dependencies",
                                         "must be an object");
    }

    n->dependencies = ngx_array_create(cc->pool, json_object_size(deps) + 1,
                                       sizeof(ngx_http_api_schema_dep_t));
    if (n->dependencies == NULL) {
        return NGX_ERROR;
    }

    json_object_keylen_foreach(deps, key, len, sub) {
        dep = ngx_array_push(n->dependencies);
        if (dep == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(dep, sizeof(ngx_http_api_schema_dep_t));
        dep->name.data = (u_char *) key;
        dep->name.len = len;

        if (json_is_array(sub)) {
            if (ngx_http_api_schema_path(cc->pool, &path, &n->path,
                                         "dependencies", key, len)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            dep->required = ngx_http_api_schema_kw_names(cc, &path, sub);
            if (dep->required == NULL) {
                return NGX_ERROR;
            }

            continue;
        }

        dep->schema = ngx_http_api_schema_kw_sub(cc, n, "dependencies", key,
                                                 len, sub);
        if (dep->schema == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_api_schema_kw_logic(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n)
{
    json_t                       *v;
    ngx_uint_t                    i;
    ngx_array_t                 **lists[3];
    ngx_http_api_schema_node_t  **subs[4];

    static const char  *list_kws[] = { "allOf", "anyOf", "oneOf" };
    static const char  *sub_kws[] = { "not", "if", "then", "else" };

    lists[0] = &n->all_of;
    lists[1] = &n->any_of;
    lists[2] = &n->one_of;

    for (i = 0; i < 3; i++) {
        v = json_object_get(n->json, list_kws[i]);

        if (v == NULL) {
            continue;
        }

        *lists[i] = ngx_http_api_schema_kw_list(cc, n, list_kws[i], v, 0);
        if (*lists[i] == NULL) {
            return NGX_ERROR;
        }

        n->flags |= NGX_HTTP_API_SCHEMA_F_LOGIC;
    }

    subs[0] = &n->not;
    subs[1] = &n->if_;
    subs[2] = &n->then;
    subs[3] = &n->else_;

    for (i = 0; i < 4; i++) {
        v = json_object_get(n->json, sub_kws[i]);

        if (v == NULL) {
            continue;
        }

        *subs[i] = ngx_http_api_schema_kw_sub(cc, n, sub_kws[i], NULL, 0, v);
        if (*subs[i] == NULL) {
            return NGX_ERROR;
        }

        n->flags |= NGX_HTTP_API_SCHEMA_F_LOGIC;
    }

    if (n->if_ == NULL) {
        /* then and else without if are ignored */
        n->then = NULL;
        n->else_ = NULL;
    }

    return NGX_OK;
}


/* the subschema at n's path/kw[/key] */

static ngx_http_api_schema_node_t *
ngx_http_api_schema_kw_sub(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, const char *kw, const char *key,
    size_t len, json_t *json)
{
    ngx_str_t  path;

    if (ngx_http_api_schema_path(cc->pool, &path, &n->path, kw, key, len)
        != NGX_OK)
    {
        return NULL;
    }

    return ngx_http_api_schema_node(cc, json, &path, &n->base);
}


/* an array of subschemas (allOf, items, ...); empty only if allowed */

static ngx_array_t *
ngx_http_api_schema_kw_list(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, const char *kw, json_t *json,
    ngx_uint_t empty)
{
    u_char                        index[NGX_SIZE_T_LEN];
    size_t                        i;
    ngx_array_t                  *a;
    ngx_http_api_schema_node_t  **sub;

    if (!json_is_array(json) || (json_array_size(json) == 0 && !empty)) {
        ngx_http_api_schema_error(cc, &n->path, kw,
                                  empty ? "must be a schema or an array"
                                        : "must be a non-empty array");
        return NULL;
    }

    a = ngx_array_create(cc->pool, json_array_size(json) + 1, sizeof(void *));
    if (a == NULL) {
        return NULL;
    }

    for (i = 0; i < json_array_size(json); i++) {
        sub = ngx_array_push(a);
        if (sub == NULL) {
            return NULL;
        }

        *sub = ngx_http_api_schema_kw_sub(cc, n, kw, (char *) index,
                                          ngx_sprintf(index, "%uz", i) - index,
                                          json_array_get(json, i));
        if (*sub == NULL) {
            return NULL;
        }
    }

    return a;
}


/* "required" and a dependency's names: an array of distinct strings */

static ngx_array_t *
ngx_http_api_schema_kw_names(ngx_http_api_schema_cc_t *cc, ngx_str_t *path,
    json_t *json)
{
    json_t       *v;
    size_t        i, k;
    ngx_str_t    *name;
    ngx_array_t  *a;

    if (!json_is_array(json)) {
        ngx_http_api_schema_error(cc, path, NULL, "must be an array");
        return NULL;
    }

    a = ngx_array_create(cc->pool, json_array_size(json) + 1,
                         sizeof(ngx_str_t));
    if (a == NULL) {
        return NULL;
    }

    for (i = 0; i < json_array_size(json); i++) {
        v = json_array_get(json, i);

        if (!json_is_string(v)) {
            ngx_http_api_schema_error(cc, path, NULL,
                                      "must be an array of strings");
            return NULL;
        }

        name = a->elts;

        for (k = 0; k < a->nelts; k++) {
            if (name[k].len == json_string_length(v)
                && ngx_memcmp(name[k].data, json_string_value(v),
                              name[k].len)
                   == 0)
            {
                ngx_http_api_schema_error(cc, path, NULL,
                                          "names a property twice");
                return NULL;
            }
        }

        name = ngx_array_push(a);
        if (name == NULL) {
            return NULL;
        }

        name->data = (u_char *) json_string_value(v);
        name->len = json_string_length(v);
    }

    return a;
}


static ngx_int_t
ngx_http_api_schema_kw_size(ngx_http_api_schema_cc_t *cc,
    ngx_http_api_schema_node_t *n, const char *kw, size_t *value)
{
    json_t  *v;
    double   d;

    v = json_object_get(n->json, kw);

    if (v == NULL) {
        return NGX_OK;
    }

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *value = (size_t) json_integer_value(v);
        return NGX_OK;
    }

    d = json_is_real(v) ? json_real_value(v) : -1;

    if (d >= 0 && d < 9007199254740992.0 && d == (double) (int64_t) d) {
        *value = (size_t) d;
        return NGX_OK;
    }

    return ngx_http_api_schema_error(cc, &n->path, kw,
                                     "must be a non-negative integer");
}


/*
 * JSON Schema patterns are ECMA-262 and match anywhere in the string;
 * PCRE2 in UTF mode, unanchored, is the nearest nginx has.
 */

static ngx_regex_t *
ngx_http_api_schema_kw_regex(ngx_http_api_schema_cc_t *cc, ngx_str_t *path,
    const char *src, size_t len)
{
    u_char               *p, errstr[NGX_MAX_CONF_ERRSTR];
    ngx_regex_compile_t   rc;

    if (ngx_strlchr((u_char *) src, (u_char *) src + len, '\0') != NULL) {
        ngx_http_api_schema_error(cc, path, NULL, "has a NUL character");
        return NULL;
    }

    /* NUL-terminated: ngx_regex_compile() quotes its tail with "%s" */
    p = ngx_pnalloc(cc->pool, sizeof("(*UTF)") + len);
    if (p == NULL) {
        return NULL;
    }

    ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

    rc.pattern.data = p;
    rc.pattern.len = ngx_cpymem(ngx_cpymem(p, "(*UTF)", sizeof("(*UTF)") - 1),
                                src, len)
                     - p;
    p[rc.pattern.len] = '\0';
    rc.pool = cc->pool;
    rc.err.data = errstr;
    rc.err.len = NGX_MAX_CONF_ERRSTR;

    if (ngx_regex_compile(&rc) != NGX_OK) {
        p = ngx_pnalloc(cc->pool, rc.err.len + 1);
        if (p == NULL) {
            return NULL;
        }

        *ngx_cpymem(p, rc.err.data, rc.err.len) = '\0';
        ngx_http_api_schema_error(cc, path, NULL, (char *) p);
        return NULL;
    }

    return rc.regex;
}
